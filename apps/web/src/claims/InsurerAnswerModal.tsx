import { Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { type Claim, t } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { FormFooter } from '../components/FormFooter';
import { errorMessage, notifySuccess } from '../components/notify';
import { useClaimAction } from './api';

/** The insurer's acknowledgement of a submitted claim: accepted for processing, or rejected with why. */
export function InsurerAnswerModal({ claim, opened, onClose }: { claim: Claim; opened: boolean; onClose: () => void }) {
  const action = useClaimAction(claim.id);
  const [status, setStatus] = useState<'accepted' | 'rejected'>(claim.status === 'accepted' ? 'rejected' : 'accepted');
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    setError(null);
    setNoteError(null);
    if (status === 'rejected' && !note.trim()) {
      setNoteError(t('claims.rejectReason'));
      return;
    }
    try {
      const saved = await action.mutateAsync({ kind: 'status', body: { status, note: note.trim() || null } });
      notifySuccess(t('claims.answerSaved', { number: saved.number, status: t(`claims.status.${saved.status}`) }));
      setNote('');
      onClose();
    } catch (caught) {
      const field = isApiError(caught) ? caught.fields.find((f) => f.path === 'note') : undefined;
      if (field) setNoteError(field.message);
      else setError(errorMessage(caught));
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('claims.answerTitle', { number: claim.number })} size="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
        noValidate
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('claims.answerHint')}
          </Text>
          <SegmentedControl
            aria-label={t('claims.answer')}
            value={status}
            onChange={(value) => setStatus(value as 'accepted' | 'rejected')}
            data={[
              ...(claim.status === 'submitted' ? [{ value: 'accepted', label: t('claims.answerAccepted') }] : []),
              { value: 'rejected', label: t('claims.answerRejected') },
            ]}
            fullWidth
          />
          <Textarea
            label={status === 'rejected' ? t('claims.rejectNote') : t('claims.answerNote')}
            description={status === 'rejected' ? t('claims.rejectNoteHint') : undefined}
            required={status === 'rejected'}
            value={note}
            onChange={(event) => {
              setNote(event.currentTarget.value);
              setNoteError(null);
            }}
            error={noteError}
            autosize
            minRows={3}
            maxLength={500}
          />
          <FormFooter
            error={error}
            submitLabel={t('claims.saveAnswer')}
            pending={action.isPending}
            onCancel={onClose}
          />
        </Stack>
      </form>
    </Modal>
  );
}

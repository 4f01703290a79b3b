import { Alert, Button, Group, Menu, Stack, Text, Textarea } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCheck,
  IconChevronDown,
  IconCloudUpload,
  IconHistory,
  IconRefresh,
  IconTemplate,
} from '@tabler/icons-react';
import { type Encounter, type NoteTemplate, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatDateTime } from '../components/format';
import { zoned } from '../schedule/time';
import { useNoteTemplates } from './api';
import { Section } from './Section';
import {
  clearStoredDraft,
  NOTE_FIELDS,
  type NoteField,
  restorableText,
  type SaveState,
  type useVisitDraft,
} from './useVisitDraft';

type VisitDraft = ReturnType<typeof useVisitDraft>;

const LABELS: Record<NoteField, Parameters<typeof t>[0]> = {
  chiefComplaint: 'visit.chiefComplaint',
  subjective: 'visit.subjective',
  objective: 'visit.objective',
  assessment: 'visit.assessment',
  plan: 'visit.plan',
};

const HINTS: Record<NoteField, Parameters<typeof t>[0]> = {
  chiefComplaint: 'visit.chiefComplaintHint',
  subjective: 'visit.subjectiveHint',
  objective: 'visit.objectiveHint',
  assessment: 'visit.assessmentHint',
  plan: 'visit.planHint',
};

/** "Saved 10:42", "Saving…", "Not saved — retrying": always visible while the note is open. */
export function SaveIndicator({ state }: { state: SaveState }) {
  const { clinic } = useSession();
  const view = (() => {
    switch (state.kind) {
      case 'idle':
        return { color: 'dimmed', icon: <IconCheck size={14} aria-hidden />, text: t('visit.save.upToDate') };
      case 'pending':
        return { color: 'dimmed', icon: <IconCloudUpload size={14} aria-hidden />, text: t('visit.save.pending') };
      case 'saving':
        return { color: 'dimmed', icon: <IconCloudUpload size={14} aria-hidden />, text: t('visit.save.saving') };
      case 'saved':
        return {
          color: 'teal.9',
          icon: <IconCheck size={14} aria-hidden />,
          text: t('visit.save.saved', { time: zoned(state.at.toISOString(), clinic.timezone).time }),
        };
      case 'retrying':
        return { color: '#9a3b06', icon: <IconRefresh size={14} aria-hidden />, text: t('visit.save.retrying') };
      case 'refused':
        return { color: 'red.9', icon: <IconAlertTriangle size={14} aria-hidden />, text: t('visit.save.refused') };
      case 'conflict':
        return { color: 'red.9', icon: <IconAlertTriangle size={14} aria-hidden />, text: t('visit.save.conflict') };
    }
  })();
  return (
    <Group gap={4} c={view.color} role="status" aria-live="polite" data-testid="save-state">
      {view.icon}
      <Text size="sm" fw={500} c={view.color}>
        {view.text}
      </Text>
    </Group>
  );
}

export function NoteSection({
  encounter,
  visit,
  canWriteNote,
  canIntake,
  userId,
}: {
  encounter: Encounter;
  visit: VisitDraft;
  canWriteNote: boolean;
  canIntake: boolean;
  userId: string;
}) {
  const { clinic } = useSession();
  const templates = useNoteTemplates(canWriteNote);
  const [restorable, setRestorable] = useState(() => restorableText(encounter, userId));
  const [replacing, setReplacing] = useState<NoteTemplate | null>(null);
  const signed = encounter.status === 'signed';
  const soap: NoteField[] = ['subjective', 'objective', 'assessment', 'plan'];
  const active = (templates.data ?? []).filter((tpl) => tpl.active);

  const apply = (template: NoteTemplate) => {
    visit.setTexts({
      subjective: template.subjective,
      objective: template.objective,
      assessment: template.assessment,
      plan: template.plan,
    });
  };
  const choose = (template: NoteTemplate) => {
    const typed = soap.some((field) => visit.draft.text[field].trim() !== '');
    if (typed) setReplacing(template);
    else apply(template);
  };

  const editable = (field: NoteField) => (field === 'chiefComplaint' ? canIntake : canWriteNote);

  return (
    <Section
      id="visit-note"
      title={t('visit.note')}
      description={signed ? t('visit.noteSigned') : canWriteNote ? t('visit.noteHint') : t('visit.noteReadOnly')}
      actions={
        canWriteNote && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button
                variant="default"
                size="xs"
                leftSection={<IconTemplate size={16} aria-hidden />}
                rightSection={<IconChevronDown size={14} aria-hidden />}
              >
                {t('visit.applyTemplate')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {active.length === 0 && <Menu.Item disabled>{t('visit.noTemplates')}</Menu.Item>}
              {active.map((template) => (
                <Menu.Item key={template.id} onClick={() => choose(template)}>
                  {template.name}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )
      }
    >
      <Stack gap="sm">
        {restorable && !signed && (
          <Alert color="blue" variant="light" icon={<IconHistory aria-hidden />} title={t('visit.restoreTitle')}>
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                {t('visit.restoreBody', {
                  at: formatDateTime(new Date(restorable.at).toISOString(), clinic.timezone),
                  sections: (Object.keys(restorable.text) as NoteField[]).map((f) => t(LABELS[f])).join(', '),
                })}
              </Text>
              <Group gap="xs">
                <Button
                  size="xs"
                  onClick={() => {
                    visit.setTexts(restorable.text);
                    setRestorable(null);
                  }}
                >
                  {t('visit.restore')}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => {
                    clearStoredDraft(encounter.id, userId);
                    setRestorable(null);
                  }}
                >
                  {t('visit.restoreDiscard')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {visit.save.kind === 'conflict' && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={t('visit.conflictTitle')}
            role="alert"
          >
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{visit.save.message}</Text>
              <Text size="sm">{t('visit.conflictBody')}</Text>
              <Group gap="xs">
                <Button size="xs" onClick={() => void visit.keepMine()}>
                  {t('visit.conflictKeepMine')}
                </Button>
                <Button size="xs" variant="default" onClick={() => void visit.takeTheirs()}>
                  {t('visit.conflictTakeTheirs')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {visit.save.kind === 'refused' && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
            {visit.save.message}
          </Alert>
        )}
        {NOTE_FIELDS.map((field) =>
          editable(field) ? (
            <Textarea
              key={field}
              label={t(LABELS[field])}
              description={field === 'chiefComplaint' ? undefined : t(HINTS[field])}
              value={visit.draft.text[field]}
              onChange={(event) => visit.setText(field, event.currentTarget.value)}
              onBlur={() => void visit.saveNow()}
              autosize
              minRows={field === 'chiefComplaint' ? 1 : 3}
              maxRows={16}
              spellCheck
            />
          ) : (
            <ReadOnlyText key={field} label={t(LABELS[field])} text={visit.draft.text[field]} />
          ),
        )}
      </Stack>
      <ConfirmDialog
        opened={replacing !== null}
        onClose={() => setReplacing(null)}
        title={t('visit.templateReplaceTitle', { name: replacing?.name ?? '' })}
        confirmLabel={t('visit.templateReplace')}
        onConfirm={async () => {
          if (replacing) apply(replacing);
        }}
      >
        {t('visit.templateReplaceBody')}
      </ConfirmDialog>
    </Section>
  );
}

function ReadOnlyText({ label, text }: { label: string; text: string }) {
  return (
    <div>
      <Text size="sm" fw={600} c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={text.trim() ? undefined : 'dimmed'}>
        {text.trim() ? text : t('visit.empty')}
      </Text>
    </div>
  );
}

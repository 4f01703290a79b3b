import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Input,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import {
  type Channel,
  type Clinic,
  formatCents,
  type Location,
  MESSAGE_KINDS,
  type MessageKey,
  type MessageKind,
  type MessageTemplate,
  messageDateTime,
  type Provider,
  renderTemplate,
  smsParts,
  TEMPLATE_VARIABLES,
  t,
  templateProblems,
} from '@tend/domain';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useLocations, useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { nextDay, startOfDayIn } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { LanguageSelect } from '../components/selects';
import { QueryView } from '../components/states';
import { UnsavedChangesGuard } from '../components/UnsavedChangesGuard';
import { useMessageTemplates, useSaveTemplate } from './api';

interface Selection {
  kind: MessageKind;
  channel: Channel;
  language: string;
}

interface Draft {
  subject: string;
  body: string;
}

const languageName = (code: string) =>
  new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' }).of(code) ?? code;

/**
 * Admin → Message templates: the wording of each message (kind × channel × language), with the
 * variables to insert, what is wrong with it as it is typed, and a preview with sample values.
 */
export function MessageTemplatesPage() {
  const [selection, setSelection] = useState<Selection>({ kind: 'reminder', channel: 'sms', language: 'en' });
  const [pending, setPending] = useState<Selection | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const templates = useMessageTemplates(selection.language);
  const saved = templates.data?.items.find((x) => x.kind === selection.kind && x.channel === selection.channel);
  const dirty = Boolean(draft && saved && (draft.subject !== saved.subject || draft.body !== saved.body));

  // A fresh draft whenever another message is chosen (or the saved wording changes).
  useEffect(() => {
    if (saved) setDraft({ subject: saved.subject, body: saved.body });
  }, [saved]);

  const choose = (change: Partial<Selection>) => {
    const next = { ...selection, ...change };
    if (dirty) setPending(next);
    else setSelection(next);
  };

  return (
    <>
      <PageHeader title={t('templates.title')} description={t('templates.description')} />
      <UnsavedChangesGuard when={() => dirty} />
      <Stack gap="lg">
        <Alert color="blue" variant="light" icon={<IconLock aria-hidden />} title={t('templates.privacyTitle')}>
          {t('templates.privacy')}
        </Alert>
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label={t('templates.kind')}
            w={220}
            allowDeselect={false}
            value={selection.kind}
            onChange={(value) => value && choose({ kind: value as MessageKind })}
            data={MESSAGE_KINDS.map((kind) => ({ value: kind, label: t(`messages.kind.${kind}`) }))}
          />
          <Stack gap={0}>
            <Input.Label component="span" id="template-channel">
              {t('templates.channel')}
            </Input.Label>
            <SegmentedControl
              aria-labelledby="template-channel"
              value={selection.channel}
              onChange={(value) => choose({ channel: value as Channel })}
              data={[
                { value: 'sms', label: t('messages.channel.sms') },
                { value: 'email', label: t('messages.channel.email') },
              ]}
            />
          </Stack>
          <LanguageSelect
            label={t('templates.language')}
            w={240}
            clearable={false}
            allowDeselect={false}
            value={selection.language}
            onChange={(value) => value && choose({ language: value })}
          />
        </Group>
        <QueryView query={templates} isEmpty={() => false} empty={null}>
          {() =>
            saved &&
            draft && (
              <Editor key={keyOf(selection)} selection={selection} saved={saved} draft={draft} onDraft={setDraft} />
            )
          }
        </QueryView>
      </Stack>
      <ConfirmDialog
        opened={pending !== null}
        title={t('templates.discardTitle')}
        confirmLabel={t('templates.discard')}
        danger
        onConfirm={async () => {
          if (pending) setSelection(pending);
        }}
        onClose={() => setPending(null)}
      >
        {t('templates.discardBody')}
      </ConfirmDialog>
    </>
  );
}

const keyOf = (s: Selection) => `${s.kind}:${s.channel}:${s.language}`;

function Editor({
  selection,
  saved,
  draft,
  onDraft,
}: {
  selection: Selection;
  saved: MessageTemplate;
  draft: Draft;
  onDraft: (draft: Draft) => void;
}) {
  const save = useSaveTemplate();
  const [confirmReset, setConfirmReset] = useState(false);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const lastField = useRef<'subject' | 'body'>('body');
  const email = selection.channel === 'email';
  const problems = templateProblems(selection.kind, selection.channel, draft);
  const dirty = draft.subject !== saved.subject || draft.body !== saved.body;

  const insert = (variable: string) => {
    const field = email && lastField.current === 'subject' ? 'subject' : 'body';
    const element = field === 'subject' ? subjectRef.current : bodyRef.current;
    const text = draft[field];
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    const token = `{${variable}}`;
    onDraft({ ...draft, [field]: text.slice(0, start) + token + text.slice(end) });
    // Back to the field, the cursor after what was inserted.
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const submit = async (reset: boolean) => {
    try {
      await save.mutateAsync({ ...selection, subject: email ? draft.subject : '', body: draft.body, reset });
      notifySuccess(reset ? t('templates.resetDone') : t('templates.saved'));
    } catch (caught) {
      notifyError(caught);
    }
  };

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Card withBorder radius="md" p="lg">
        <Stack gap="md">
          <Group justify="space-between" gap="xs">
            <Title order={2} size="h4">
              {t(`messages.kind.${selection.kind}`)} · {email ? t('messages.channel.email') : t('messages.channel.sms')}
            </Title>
            <Badge variant="light" color={saved.custom ? 'teal' : 'gray'}>
              {saved.custom ? t('templates.custom') : t('templates.default')}
            </Badge>
          </Group>
          {saved.fallback && (
            <Text size="sm" c="dimmed">
              {t('templates.fallback', { language: languageName(selection.language) })}
            </Text>
          )}
          {email && (
            <TextInput
              ref={subjectRef}
              label={t('templates.subject')}
              value={draft.subject}
              onFocus={() => {
                lastField.current = 'subject';
              }}
              onChange={(event) => onDraft({ ...draft, subject: event.currentTarget.value })}
            />
          )}
          <Textarea
            ref={bodyRef}
            label={t('templates.body')}
            autosize
            minRows={email ? 8 : 4}
            maxRows={20}
            value={draft.body}
            onFocus={() => {
              lastField.current = 'body';
            }}
            onChange={(event) => onDraft({ ...draft, body: event.currentTarget.value })}
          />
          <Variables kind={selection.kind} onInsert={insert} />
          {problems.length > 0 && (
            <Alert
              color="red"
              variant="light"
              icon={<IconAlertCircle aria-hidden />}
              title={t('templates.problems')}
              aria-live="polite"
            >
              <Stack gap={4}>
                {problems.map((problem) => (
                  <Text key={problem} size="sm">
                    {problem}
                  </Text>
                ))}
              </Stack>
            </Alert>
          )}
          <Group justify="space-between">
            <Button
              variant="subtle"
              color="red"
              disabled={!saved.custom || save.isPending}
              onClick={() => setConfirmReset(true)}
            >
              {t('templates.reset')}
            </Button>
            <Button
              onClick={() => void submit(false)}
              // Unchanged wording is saved only to give a language the English wording as its own.
              disabled={problems.length > 0 || (!dirty && !saved.fallback)}
              loading={save.isPending}
            >
              {t('templates.save')}
            </Button>
          </Group>
        </Stack>
      </Card>
      <Preview selection={selection} draft={draft} />
      <ConfirmDialog
        opened={confirmReset}
        title={t('templates.resetTitle')}
        confirmLabel={t('templates.reset')}
        danger
        onConfirm={() => submit(true)}
        onClose={() => setConfirmReset(false)}
      >
        {t('templates.resetBody')}
      </ConfirmDialog>
    </SimpleGrid>
  );
}

function Variables({ kind, onInsert }: { kind: MessageKind; onInsert: (variable: string) => void }) {
  return (
    <Stack gap={6}>
      <div>
        <Text size="sm" fw={500}>
          {t('templates.variables')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('templates.variablesHint')}
        </Text>
      </div>
      <Stack gap={6}>
        {TEMPLATE_VARIABLES[kind].map((variable) => {
          const description = t(`templates.var.${variable}` as MessageKey);
          return (
            <UnstyledButton
              key={variable}
              onClick={() => onInsert(variable)}
              // Keeps the cursor where it was in the field.
              onMouseDown={(event) => event.preventDefault()}
            >
              <Group gap={8} wrap="nowrap" align="center">
                <Badge variant="light" tt="none" style={{ cursor: 'pointer', flexShrink: 0 }}>
                  {`{${variable}}`}
                </Badge>
                <Text size="xs" c="dimmed" lh={1.3}>
                  {description}
                </Text>
              </Group>
            </UnstyledButton>
          );
        })}
      </Stack>
    </Stack>
  );
}

/** A 56-character token, as long as a real signed link's. */
const SAMPLE_TOKEN = 'AQFZ3kq8Tn2xW4bYp0cR7dLmE5vH1sJ9uG6oKf2aXwVt8yNz3QeB4r7C';

/** Realistic values for the preview: the clinic's own name, time zone, a provider and a location. */
function useSampleValues(channel: Channel): { values: Record<string, string>; when: string; name: string } {
  const { clinic, today } = useSession();
  const providers = useProviders();
  const locations = useLocations();
  return useMemo(
    () => sampleValues(clinic, today(), channel, providers.data ?? [], locations.data ?? []),
    [clinic, today, channel, providers.data, locations.data],
  );
}

function sampleValues(clinic: Clinic, today: string, channel: Channel, providers: Provider[], locations: Location[]) {
  // The next Tuesday at 10:00 in the clinic's time zone.
  let day = nextDay(today);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = nextDay(day);
  const start = new Date(startOfDayIn(day, clinic.timezone).getTime() + 10 * 3_600_000);
  const { date, time } = messageDateTime(start, clinic.timezone, channel);
  const hold = messageDateTime(new Date(Date.now() + 2 * 3_600_000), clinic.timezone, channel);
  const provider = providers.find((p) => p.active);
  const location = locations.find((l) => l.active);
  const link = `${window.location.origin}/r/${SAMPLE_TOKEN}`;
  const name = 'Maria';
  const values = {
    firstName: name,
    clinic: clinic.name,
    clinicPhone: location?.phone ?? clinic.phone ?? '(555) 010-0199',
    date,
    time,
    provider: provider ? [provider.title, provider.name].filter(Boolean).join(' ') : 'Dr. Ana Ruiz',
    location: location?.name ?? 'Main office',
    confirmLink: link,
    cancelLink: link,
    acceptLink: link,
    bookLink: link,
    holdUntil: `${hold.date} ${hold.time}`,
    dueDate: messageDateTime(new Date(start.getTime() + 14 * 86_400_000), clinic.timezone, channel).date,
    amount: formatCents(4500, clinic.currency),
    invoiceNumber: '1042',
  };
  return { values, when: t('templates.previewWhen', { date, time }), name };
}

function Preview({ selection, draft }: { selection: Selection; draft: Draft }) {
  const sample = useSampleValues(selection.channel);
  const { clinic } = useSession();
  const body = renderTemplate(draft.body, sample.values);
  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="template-preview">
      <Stack gap="md">
        <div>
          <Title order={2} size="h4" id="template-preview">
            {t('templates.preview')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('templates.previewHint', { name: sample.name, when: sample.when, timeZone: clinic.timezone })}
          </Text>
        </div>
        {selection.channel === 'email' ? (
          <Paper withBorder radius="sm" aria-label={t('templates.previewLabel')} role="document">
            <Box p="md" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
              <Text size="xs" c="dimmed">
                {t('templates.emailTo', { name: sample.name })}
              </Text>
              <Text fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="preview-subject">
                {renderTemplate(draft.subject, sample.values)}
              </Text>
            </Box>
            <Text
              p="md"
              size="sm"
              style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
              data-testid="preview-body"
            >
              {body}
            </Text>
          </Paper>
        ) : (
          <TextPreview body={body} clinicName={clinic.name} />
        )}
      </Stack>
    </Card>
  );
}

function TextPreview({ body, clinicName }: { body: string; clinicName: string }) {
  const parts = smsParts(body);
  return (
    <Stack gap="sm" align="center">
      <Paper
        withBorder
        radius={28}
        p="md"
        pt="lg"
        w="100%"
        maw={340}
        bg="gray.0"
        aria-label={t('templates.previewLabel')}
        role="document"
      >
        <Text size="xs" c="dimmed" ta="center" mb="sm">
          {clinicName}
        </Text>
        <Box
          data-testid="preview-body"
          p="sm"
          maw="85%"
          bg="white"
          style={{
            borderRadius: '16px 16px 16px 4px',
            border: '1px solid var(--mantine-color-gray-3)',
            whiteSpace: 'pre-wrap',
            overflowWrap: 'anywhere',
            fontSize: 'var(--mantine-font-size-sm)',
          }}
        >
          {body}
        </Box>
      </Paper>
      <Text size="sm" fw={500} data-testid="sms-count" aria-live="polite">
        {t(parts.parts === 1 ? 'templates.smsCount' : 'templates.smsCountMany', {
          characters: parts.characters,
          parts: parts.parts,
        })}
      </Text>
      {parts.unicode && (
        <Text size="xs" c="dimmed" maw={340} ta="center">
          {t('templates.smsUnicode')}
        </Text>
      )}
    </Stack>
  );
}

import {
  Alert,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconClockHour6, IconPrinter } from '@tabler/icons-react';
import {
  addDaysTo,
  appointmentStatusLabel,
  type DowntimeContact,
  type DowntimeDay,
  type DowntimeProviderDay,
  type DowntimeSheet,
  formatCents,
  t,
} from '@tend/domain';
import { useEffect, useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { PdfButton } from '../billing/shared';
import { formatDate } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/states';
import { LocationPicker, useWorkLocation } from '../schedule/location';
import { longDate, shortDate } from '../schedule/time';
import { downtimePdfUrl, useDowntimePrint, useDowntimeSheet, useSaveDowntimePrint } from './api';

type Range = 'today' | 'tomorrow' | 'both';

/**
 * The downtime kit, print-optimised: the schedule of today and/or tomorrow per provider and the
 * contact sheet of those patients, as the page itself (printed black on white, each provider's
 * day from a new sheet) and as PDFs. A manager sets up the evening's copy in the backup folder.
 */
export function DowntimePage() {
  const { clinic, can, today } = useSession();
  const [range, setRange] = useState<Range>('both');
  const [providerId, setProviderId] = useState<string | null>(null);
  const work = useWorkLocation();
  const date = range === 'tomorrow' ? addDaysTo(today(), 1) : today();
  const days = range === 'both' ? 2 : 1;
  const query = { date, days, providerId, locationId: work.location?.id ?? null };
  // At several locations, the user's own (a network's two days of every location are thousands).
  const sheet = useDowntimeSheet(query, work.known);
  // Every provider of the days (from the sheet shown before a provider was picked).
  const [providers, setProviders] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    if (!sheet.data || providerId) return;
    const seen = new Map<string, string>();
    for (const day of sheet.data.days) for (const p of day.providers) seen.set(p.providerId, p.providerName);
    setProviders([...seen].map(([value, label]) => ({ value, label })));
  }, [sheet.data, providerId]);

  return (
    <>
      <div className="tend-no-print">
        <PageHeader
          title={t('downtime.title')}
          description={t('downtime.description')}
          actions={
            <>
              <Button
                leftSection={<IconPrinter size={18} aria-hidden />}
                onClick={() => window.print()}
                disabled={!sheet.data}
              >
                {t('downtime.printPage')}
              </Button>
              <PdfButton href={downtimePdfUrl('schedule', query)} label={t('downtime.schedulePdf')} size="sm" />
              <PdfButton href={downtimePdfUrl('contacts', query)} label={t('downtime.contactsPdf')} size="sm" />
            </>
          }
        />
        <Group gap="md" mb="lg" align="flex-end">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="downtime-days">
              {t('downtime.days')}
            </Text>
            <SegmentedControl
              aria-labelledby="downtime-days"
              value={range}
              onChange={(value) => setRange(value as Range)}
              data={[
                { value: 'today', label: t('downtime.today') },
                { value: 'tomorrow', label: t('downtime.tomorrow') },
                { value: 'both', label: t('downtime.both') },
              ]}
            />
          </Stack>
          <LocationPicker
            work={{
              ...work,
              choose: (locationId) => {
                setProviderId(null);
                work.choose(locationId);
              },
            }}
          />
          <Select
            label={t('downtime.provider')}
            placeholder={t('downtime.allProviders')}
            data={providers}
            value={providerId}
            onChange={setProviderId}
            clearable
            w={260}
          />
        </Group>
      </div>
      <QueryView query={sheet} isEmpty={() => false} empty={null}>
        {(data) => (
          <PrintedKit sheet={data} clinicName={[clinic.name, data.locationName].filter(Boolean).join(' · ')} />
        )}
      </QueryView>
      {can('schedule.manage') && <EveningCard />}
    </>
  );
}

function phones(list: DowntimeContact['phones']): string {
  return list.map((phone) => `${phone.number} (${phone.use})`).join('\n') || '—';
}

/** The kit as it prints: one section per provider per day, then the contact sheet. */
function PrintedKit({ sheet, clinicName }: { sheet: DowntimeSheet; clinicName: string }) {
  const printed = t('downtime.printedAt', {
    // The clinic's date of that instant (an evening in New York is already tomorrow in UTC).
    date: new Intl.DateTimeFormat('en-CA', { timeZone: sheet.timezone }).format(new Date(sheet.generatedAt)),
    time: sheet.generatedAtLocal,
    zone: sheet.timezone,
  });
  const sections = sheet.days.flatMap<{ day: DowntimeDay; provider: DowntimeProviderDay | null }>((day) =>
    day.providers.length ? day.providers.map((provider) => ({ day, provider })) : [{ day, provider: null }],
  );
  const withBalances = sheet.contacts.some((contact) => contact.balanceDueCents !== null);
  return (
    <div className="tend-print-schedule tend-downtime" data-testid="downtime-kit">
      {sections.map(({ day, provider }) => (
        <section key={`${day.date}-${provider?.providerId ?? 'none'}`} className="tend-downtime-section">
          <header>
            <div className="tend-print-clinic">{clinicName}</div>
            <h2>
              {t('downtime.scheduleHeading')} · {longDate(day.date)}
            </h2>
            <div>
              {provider
                ? `${provider.providerName} — ${t(
                    provider.appointments.length === 1 ? 'downtime.appointment' : 'downtime.appointments',
                    {
                      count: provider.appointments.length,
                    },
                  )}`
                : ''}
              <span className="tend-downtime-printed">{printed}</span>
            </div>
          </header>
          {provider ? (
            <table>
              <thead>
                <tr>
                  <th>{t('downtime.col.time')}</th>
                  <th>{t('downtime.col.patient')}</th>
                  <th>{t('downtime.col.phone')}</th>
                  <th>{t('downtime.col.type')}</th>
                  <th>{t('downtime.col.status')}</th>
                  <th className="tend-downtime-notes">{t('downtime.col.notes')}</th>
                </tr>
              </thead>
              <tbody>
                {provider.appointments.map((appointment) => (
                  <tr key={appointment.id}>
                    <td className="tend-print-time">
                      {appointment.start}–{appointment.end}
                    </td>
                    <td>
                      <strong>{appointment.patientName}</strong>
                      <div className="tend-downtime-sub">
                        {t('downtime.col.born')} {appointment.birthDate} · {t('downtime.col.mrn')} {appointment.mrn}
                      </div>
                    </td>
                    <td className="tend-downtime-phones">{phones(appointment.phones)}</td>
                    <td>
                      {appointment.type}
                      <div className="tend-downtime-sub">
                        {[appointment.room, appointment.location].filter(Boolean).join(' · ')}
                      </div>
                    </td>
                    <td>{appointmentStatusLabel(appointment.status)}</td>
                    <td />
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t('downtime.none')}</p>
          )}
        </section>
      ))}
      <section className="tend-downtime-section">
        <header>
          <div className="tend-print-clinic">{clinicName}</div>
          <h2>{t('downtime.contactsHeading')}</h2>
          <div>
            {sheet.dates.map(longDate).join(' · ')}
            <span className="tend-downtime-printed">{printed}</span>
          </div>
        </header>
        {sheet.contacts.length === 0 ? (
          <p>{t('downtime.noPatients')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('downtime.col.patient')}</th>
                <th>{t('downtime.col.phone')}</th>
                <th>{t('downtime.col.appointments')}</th>
                {withBalances && <th className="tend-downtime-money">{t('downtime.col.balance')}</th>}
              </tr>
            </thead>
            <tbody>
              {sheet.contacts.map((contact) => (
                <tr key={contact.patientId}>
                  <td>
                    <strong>{contact.patientName}</strong>
                    <div className="tend-downtime-sub">
                      {t('downtime.col.born')} {contact.birthDate} · {t('downtime.col.mrn')} {contact.mrn}
                    </div>
                  </td>
                  <td className="tend-downtime-phones">{phones(contact.phones)}</td>
                  <td className="tend-downtime-phones">
                    {contact.appointments
                      .map(
                        (visit) =>
                          `${sheet.dates.length > 1 ? `${shortDate(visit.date)} ` : ''}${visit.start} · ${visit.providerName}`,
                      )
                      .join('\n')}
                  </td>
                  {withBalances && (
                    <td className="tend-downtime-money">
                      {formatCents(contact.balanceDueCents ?? 0, sheet.currency)}
                      {(contact.creditCents ?? 0) > 0 && (
                        <div className="tend-downtime-sub">
                          {t('downtime.credit', { amount: formatCents(contact.creditCents ?? 0, sheet.currency) })}
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!withBalances && sheet.contacts.length > 0 && <p>{t('downtime.noBalanceAccess')}</p>}
        <footer>{t('downtime.confidential')}</footer>
      </section>
    </div>
  );
}

/** The evening's kit in the backup folder (managers): on or off, and from what time. */
function EveningCard() {
  const overview = useDowntimePrint(true);
  const save = useSaveDowntimePrint();
  const [form, setForm] = useState<{ enabled: boolean; time: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (overview.data && form === null) setForm({ enabled: overview.data.enabled, time: overview.data.time });
  }, [overview.data, form]);

  const submit = async () => {
    if (!form) return;
    setError(null);
    setProblem(null);
    try {
      const saved = await save.mutateAsync(form);
      setForm({ enabled: saved.enabled, time: saved.time });
      notifySuccess(t('downtime.evening.saved'));
    } catch (caught) {
      if (isApiError(caught) && caught.fields.length) setError(caught.fields[0].message);
      else setProblem(`${t('downtime.evening.notSaved')}: ${errorMessage(caught)}`);
    }
  };

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'md', sm: 'lg' }}
      mt="xl"
      component="section"
      aria-labelledby="downtime-evening"
      className="tend-no-print"
    >
      <Group gap="xs" mb={4}>
        <IconClockHour6 size={20} aria-hidden />
        <Title order={2} fz="lg" id="downtime-evening">
          {t('downtime.evening.title')}
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('downtime.evening.description')}
      </Text>
      <QueryView query={overview} isEmpty={() => false} empty={null}>
        {(data) =>
          form && (
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                void submit();
              }}
            >
              <Stack gap="md">
                <Switch
                  label={t('downtime.evening.enabled')}
                  checked={form.enabled}
                  onChange={(event) => setForm({ ...form, enabled: event.currentTarget.checked })}
                />
                <TextInput
                  label={t('downtime.evening.time')}
                  value={form.time}
                  onChange={(event) => setForm({ ...form, time: event.currentTarget.value })}
                  error={error}
                  w={200}
                  disabled={!form.enabled}
                />
                <Text size="sm">
                  {t('downtime.evening.folder')}: <code>{data.folder}</code>
                </Text>
                <Text size="sm" c="dimmed">
                  {data.lastPrintedOn
                    ? t('downtime.evening.last', { date: formatDate(data.lastPrintedOn) })
                    : t('downtime.evening.never')}
                </Text>
                {problem && (
                  <Alert color="red" variant="light" role="alert">
                    {problem}
                  </Alert>
                )}
                <Group justify="flex-end">
                  <Button type="submit" loading={save.isPending}>
                    {t('common.save')}
                  </Button>
                </Group>
              </Stack>
            </form>
          )
        }
      </QueryView>
    </Paper>
  );
}

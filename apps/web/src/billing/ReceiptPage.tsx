import { Button, Paper } from '@mantine/core';
import { IconArrowLeft, IconPrinter, IconReceiptOff } from '@tabler/icons-react';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useSession } from '../auth/session';
import { formatDate, formatDateTime } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { EmptyState } from '../components/states';
import { postedPayment } from './receipt';
import { useMoney } from './shared';

const route = getRouteApi('/billing/receipts/$paymentId');

/** A payment's receipt, laid out for paper: on screen in a card, in print the only thing on the page. */
export function ReceiptPage() {
  const { paymentId } = route.useParams();
  const { clinic, user } = useSession();
  const router = useRouter();
  const money = useMoney();
  const posted = postedPayment(paymentId);
  if (!posted) {
    return (
      <>
        <PageHeader title={t('receipt.title')} />
        <EmptyState
          icon={<IconReceiptOff aria-hidden />}
          title={t('receipt.gone')}
          description={t('receipt.goneHint')}
        />
      </>
    );
  }
  const { payment } = posted;
  const applied = payment.allocations.reduce((sum, a) => sum + a.amountCents, 0);
  const credit = payment.amountCents - applied;
  const address = clinic.address;
  return (
    <>
      <div className="tend-no-print">
        <PageHeader
          title={t('receipt.title')}
          description={t('receipt.description')}
          actions={
            <>
              <Button
                variant="default"
                leftSection={<IconArrowLeft size={18} aria-hidden />}
                onClick={() => router.history.back()}
              >
                {t('receipt.back')}
              </Button>
              <Button leftSection={<IconPrinter size={18} aria-hidden />} onClick={() => window.print()}>
                {t('receipt.print')}
              </Button>
            </>
          }
        />
      </div>
      <Paper withBorder radius="md" p="xl" maw={640} className="tend-receipt-paper">
        <article className="tend-receipt" aria-label={t('receipt.title')}>
          <header>
            <div className="tend-receipt-clinic">{clinic.name}</div>
            {address && (
              <div className="tend-receipt-address">
                {[
                  address.line1,
                  address.line2,
                  [address.city, address.region, address.postalCode].filter(Boolean).join(' '),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
            )}
          </header>
          <h2>{t('receipt.heading')}</h2>
          <dl>
            <dt>{t('receipt.receivedFrom')}</dt>
            <dd>{posted.patientName ?? posted.payerName ?? ''}</dd>
            <dt>{t('receipt.date')}</dt>
            <dd>{formatDate(payment.receivedOn)}</dd>
            <dt>{t('receipt.method')}</dt>
            <dd>
              {t(`payments.method.${payment.method}`)}
              {payment.reference ? ` · ${payment.reference}` : ''}
            </dd>
            {payment.note && (
              <>
                <dt>{t('receipt.for')}</dt>
                <dd>{payment.note}</dd>
              </>
            )}
            <dt>{t('receipt.number')}</dt>
            <dd className="tend-receipt-mono">{payment.id.slice(-8).toUpperCase()}</dd>
          </dl>
          <table>
            <thead>
              <tr>
                <th>{t('receipt.lineDate')}</th>
                <th>{t('receipt.lineService')}</th>
                <th className="tend-receipt-amount">{t('receipt.lineAmount')}</th>
              </tr>
            </thead>
            <tbody>
              {posted.lines.map((line) => (
                <tr key={line.chargeId}>
                  <td>{formatDate(line.serviceDate)}</td>
                  <td>
                    {line.code} {line.description}
                  </td>
                  <td className="tend-receipt-amount">{money(line.amountCents)}</td>
                </tr>
              ))}
              {credit > 0 && (
                <tr>
                  <td />
                  <td>{t('receipt.credit')}</td>
                  <td className="tend-receipt-amount">{money(credit)}</td>
                </tr>
              )}
            </tbody>
            <tfoot>
              <tr>
                <td />
                <th scope="row">{t('receipt.total')}</th>
                <td className="tend-receipt-amount tend-receipt-total" data-testid="receipt-total">
                  {money(payment.amountCents)}
                </td>
              </tr>
            </tfoot>
          </table>
          <footer>
            {t('receipt.footer', { who: user.name, at: formatDateTime(payment.postedAt, clinic.timezone) })}
          </footer>
        </article>
      </Paper>
    </>
  );
}

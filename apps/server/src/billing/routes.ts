import {
  zAdjustmentCreate,
  zAllocationsApply,
  zArAging,
  zArAgingQuery,
  zBalanceReminderOverview,
  zBalanceReminderSettings,
  zFeeRate,
  zFeeRateCreate,
  zId,
  zInvoice,
  zInvoiceCreate,
  zInvoiceSend,
  zPatientBalance,
  zPayment,
  zPaymentCreate,
  zPaymentListItem,
  zPaymentListQuery,
  zReversalCreate,
  zStatement,
  zStatementCreate,
  zStatementListQuery,
  zStatementSend,
  zTransferCreate,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { arAging } from './aging';
import { getBalanceReminders, putBalanceReminders } from './balance-reminders';
import { addFeeRate, listFeeRates } from './fees';
import { createInvoice, getInvoice, invoicePdf, listInvoices, sendInvoice } from './invoices';
import {
  applyPaymentAllocations,
  patientBalance,
  postAdjustment,
  postPayment,
  reverseAdjustment,
  reversePayment,
  transferResponsibility,
} from './ledger';
import { listPayments, paymentReceiptPdf } from './payments';
import { createStatements, listStatements, sendStatement, statementPdf } from './statements';

/** The ledger's API: payments with allocations, adjustments, transfers, balances and aging. */
export function billingRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['billing'];

  app.post(
    '/api/payments',
    {
      config: { access: 'payment.post' },
      schema: {
        tags,
        summary:
          'Post a payment (a patient’s, or an insurer’s) with its allocations to charges. Each allocation fits what is still owed of that side; the same reference twice gets 409 duplicate_payment.',
        body: zPaymentCreate,
        response: { 201: zPayment, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await postPayment(db, requireCtx(request), request.body)),
  );
  app.get(
    '/api/payments',
    {
      config: { access: 'balance.read' },
      schema: {
        tags,
        summary:
          'Payments newest first (at most 500): of a patient or an insurer, received from `from` to `to`; each with who paid, who posted it and what of it is not yet applied',
        querystring: zPaymentListQuery,
        response: { 200: z.object({ items: z.array(zPaymentListItem) }), ...errorResponses },
      },
    },
    async (request) => listPayments(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/payments/:id/reverse',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'Reverse a payment (a mistake, a bounced check, a refund): a negative payment whose negative allocations give every charge back what it owed. Once only (409).',
        params: zIdParams,
        body: zReversalCreate,
        response: { 201: zPayment, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await reversePayment(db, requireCtx(request), request.params.id, request.body)),
  );
  app.post(
    '/api/payments/:id/allocations',
    {
      config: { access: 'payment.post' },
      schema: {
        tags,
        summary:
          'Apply what is not yet applied of a payment (a copay taken before the visit was signed) to charges, with the same checks as posting',
        params: zIdParams,
        body: zAllocationsApply,
        response: { 200: zPayment, ...errorResponses },
      },
    },
    async (request) => applyPaymentAllocations(db, requireCtx(request), request.params.id, request.body),
  );
  app.get(
    '/api/payments/:id/receipt',
    {
      config: { access: 'payment.post' },
      schema: { tags, summary: 'The payment’s receipt as a PDF (application/pdf)', params: zIdParams },
    },
    async (request, reply) => {
      const { pdf, filename } = await paymentReceiptPdf(db, requireCtx(request), request.params.id);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf);
    },
  );
  app.post(
    '/api/adjustments/:id/reverse',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'Reverse an adjustment with a reason (both sides of a transfer). Once only (409); refused while the side it moved money to has paid it.',
        params: zIdParams,
        body: zReversalCreate,
        response: { 201: z.object({ id: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await reverseAdjustment(db, requireCtx(request), request.params.id, request.body)),
  );
  app.post(
    '/api/adjustments',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary: 'Post an adjustment to a charge (contractual write-off, discount, bad debt, correction) with a reason',
        body: zAdjustmentCreate,
        response: { 201: z.object({ id: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await postAdjustment(db, requireCtx(request), request.body)),
  );
  app.post(
    '/api/adjustments/transfer',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary: 'Move an amount of a charge from the insurer to the patient (or back), e.g. after a denial',
        body: zTransferCreate,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await transferResponsibility(db, requireCtx(request), request.body);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/patients/:id/balance',
    {
      config: { access: 'balance.read' },
      schema: {
        tags,
        summary: 'What the patient owes, what insurers still owe, and unapplied credit — each charge from the ledger',
        params: zIdParams,
        response: { 200: zPatientBalance, ...errorResponses },
      },
    },
    async (request) => patientBalance(db, requireCtx(request), request.params.id),
  );
  app.get(
    '/api/reports/ar-aging',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'A/R aging (0–30, 31–60, 61–90, 90+ days since the date of service) by insurer and by patient, in cents',
        querystring: zArAgingQuery,
        response: { 200: zArAging, ...errorResponses },
      },
    },
    async (request) => arAging(db, requireCtx(request), request.query),
  );

  app.post(
    '/api/invoices',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary: 'Invoice the patient’s portion of a signed visit (once per visit; numbered per clinic)',
        body: zInvoiceCreate,
        response: { 201: zInvoice, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createInvoice(db, requireCtx(request), request.body.encounterId)),
  );
  app.get(
    '/api/invoices',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary: 'Invoices (of one patient), with what is still due from the ledger',
        querystring: z.object({ patientId: zId.optional() }),
        response: { 200: z.object({ items: z.array(zInvoice) }), ...errorResponses },
      },
    },
    async (request) => listInvoices(db, requireCtx(request), request.query),
  );
  app.get(
    '/api/invoices/:id',
    {
      config: { access: 'billing.manage' },
      schema: { tags, summary: 'One invoice', params: zIdParams, response: { 200: zInvoice, ...errorResponses } },
    },
    async (request) => getInvoice(db, requireCtx(request), request.params.id),
  );
  app.get(
    '/api/invoices/:id/pdf',
    {
      config: { access: 'billing.manage' },
      schema: { tags, summary: 'The invoice as a PDF (application/pdf)', params: zIdParams },
    },
    async (request, reply) => {
      const { pdf, filename } = await invoicePdf(db, requireCtx(request), request.params.id);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf);
    },
  );
  app.post(
    '/api/invoices/:id/send',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'Email the invoice with its PDF to the patient (or `to`); the outbox keeps the message and its status (sent, captured or failed with the server’s answer)',
        params: zIdParams,
        body: zInvoiceSend,
        response: {
          200: z.object({ invoice: zInvoice, status: z.string(), error: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => sendInvoice(db, requireCtx(request), request.params.id, request.body, deps.config),
  );
  app.get(
    '/api/worklists/unpaid-invoices',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'The morning list: invoices still unpaid that were issued at least `olderThanDays` days ago (30 by default)',
        querystring: z.object({ olderThanDays: z.coerce.number().int().min(0).max(3650).default(30) }),
        response: { 200: z.object({ items: z.array(zInvoice) }), ...errorResponses },
      },
    },
    async (request) => listInvoices(db, requireCtx(request), { unpaidOlderThanDays: request.query.olderThanDays }),
  );

  app.post(
    '/api/statements',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'Make the monthly statements of `month` (YYYY-MM): one per patient who owed something at its end and has none for it yet; answers all of that month’s statements',
        body: zStatementCreate,
        response: { 201: z.object({ items: z.array(zStatement) }), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createStatements(db, requireCtx(request), request.body.month)),
  );
  app.get(
    '/api/statements',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary: 'The statements of a month (or the latest 500)',
        querystring: zStatementListQuery,
        response: { 200: z.object({ items: z.array(zStatement) }), ...errorResponses },
      },
    },
    async (request) => listStatements(db, requireCtx(request), request.query),
  );
  app.get(
    '/api/statements/:id/pdf',
    {
      config: { access: 'billing.manage' },
      schema: { tags, summary: 'The statement as a PDF (application/pdf)', params: zIdParams },
    },
    async (request, reply) => {
      const { pdf, filename } = await statementPdf(db, requireCtx(request), request.params.id);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf);
    },
  );
  app.post(
    '/api/statements/:id/send',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'Email the statement with its PDF to the patient (or `to`); the outbox keeps the message and its status',
        params: zIdParams,
        body: zStatementSend,
        response: {
          200: z.object({ statement: zStatement, status: z.string(), error: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => sendStatement(db, requireCtx(request), request.params.id, request.body, deps.config),
  );

  app.get(
    '/api/settings/balance-reminders',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'Balance reminders: whether unpaid invoices are reminded by email (invoice attached), after how many days, how often and how many times; with how many reminders went out and how many patients could not be reached (no email, opted out) in the last 30 days',
        response: { 200: zBalanceReminderOverview, ...errorResponses },
      },
    },
    async (request) => getBalanceReminders(db, requireCtx(request)),
  );
  app.put(
    '/api/settings/balance-reminders',
    {
      config: { access: 'billing.manage' },
      schema: {
        tags,
        summary:
          'Change the balance reminders (off by default): the first when an invoice is more than `afterDays` days old, then every `repeatDays` days (0: once) while it is unpaid, at most `maxReminders` per invoice',
        body: zBalanceReminderSettings,
        response: { 200: zBalanceReminderOverview, ...errorResponses },
      },
    },
    async (request) => putBalanceReminders(db, requireCtx(request), request.body),
  );

  app.get(
    '/api/services/:id/fees',
    {
      config: { access: 'service.read' },
      schema: {
        tags,
        summary: 'The fee schedule of a service: standard fees (no payer) and insurers’ contracted amounts, by date',
        params: zIdParams,
        response: { 200: z.object({ items: z.array(zFeeRate) }), ...errorResponses },
      },
    },
    async (request) => listFeeRates(db, requireCtx(request), request.params.id),
  );
  app.post(
    '/api/services/:id/fees',
    {
      config: { access: 'service.manage' },
      schema: {
        tags,
        summary:
          'Add a fee from a date: without `payerId` the standard fee billed from then on (visits on those dates), with it an insurer’s contracted amount; dates may not overlap',
        params: zIdParams,
        body: zFeeRateCreate,
        response: { 201: zFeeRate, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addFeeRate(db, requireCtx(request), request.params.id, request.body)),
  );
}

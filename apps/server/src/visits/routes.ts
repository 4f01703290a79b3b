import {
  zAddendumCreate,
  zAllergy,
  zAllergyCreate,
  zAllergyPatch,
  zCharge,
  zChargesQuery,
  zChart,
  zDate,
  zEncounter,
  zEncounterCreate,
  zEncounterPatch,
  zFollowUpCreate,
  zId,
  zMedication,
  zMedicationCreate,
  zMedicationPatch,
  zNoteTemplate,
  zNoteTemplateCreate,
  zRecall,
  zService,
  zServiceCreate,
  zServicePatch,
  zVisitListItem,
  zVitals,
  zVitalsInput,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { createService, listServices, listTemplates, saveTemplate, updateService } from './catalogue';
import { listCharges } from './charges';
import { addAllergy, addMedication, getChart, resolveProblem, updateAllergy, updateMedication } from './chart';
import { addAddendum, getEncounter, listEncounters, openEncounter, signEncounter, updateEncounter } from './encounters';
import { createFollowUp } from './followups';
import { listVitals, recordVitals } from './vitals';

/** Visit documentation: encounters, vitals, the chart’s lists, services, templates, charges, ordering follow-ups. */
export function visitRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['visits'];
  const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
  // At most 500 visits; `truncated`: there were more (the chart's latest 500, the oldest 500 without a charge).
  const visitList = items(zVisitListItem).extend({
    truncated: z.boolean(),
  });

  // ---- Service catalogue and note templates ----
  app.get(
    '/api/services',
    {
      config: { access: 'service.read' },
      schema: {
        tags,
        summary: 'The clinic’s service catalogue (codes and fees)',
        response: { 200: items(zService), ...errorResponses },
      },
    },
    async (request) => listServices(db, requireCtx(request)),
  );
  app.post(
    '/api/services',
    {
      config: { access: 'service.manage' },
      schema: {
        tags,
        summary: 'Add a service: code, system (CPT, HCPCS, CDT or CLINIC), description, fee in cents, default units',
        body: zServiceCreate,
        response: { 201: zService, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createService(db, requireCtx(request), request.body)),
  );
  app.patch(
    '/api/services/:id',
    {
      config: { access: 'service.manage' },
      schema: {
        tags,
        summary: 'Change a service’s description, fee or rules, or retire it',
        params: zIdParams,
        body: zServicePatch,
        response: { 200: zService, ...errorResponses },
      },
    },
    async (request) => updateService(db, requireCtx(request), request.params.id, request.body),
  );
  app.get(
    '/api/note-templates',
    {
      // Reference text without patient data: those who manage templates (managers) must see them too.
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'SOAP note templates (per appointment type, or the default)',
        response: { 200: items(zNoteTemplate), ...errorResponses },
      },
    },
    async (request) => listTemplates(db, requireCtx(request)),
  );
  app.post(
    '/api/note-templates',
    {
      config: { access: 'template.manage' },
      schema: {
        tags,
        summary: 'Add a SOAP note template',
        body: zNoteTemplateCreate,
        response: { 201: zNoteTemplate, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await saveTemplate(db, requireCtx(request), null, request.body)),
  );
  app.patch(
    '/api/note-templates/:id',
    {
      config: { access: 'template.manage' },
      schema: {
        tags,
        summary: 'Change a SOAP note template',
        params: zIdParams,
        body: zNoteTemplateCreate.partial().extend({ active: z.boolean().optional() }),
        response: { 200: zNoteTemplate, ...errorResponses },
      },
    },
    async (request) => saveTemplate(db, requireCtx(request), request.params.id, request.body),
  );

  // ---- Encounters ----
  app.post(
    '/api/encounters',
    {
      config: { access: 'clinical.write' },
      schema: {
        tags,
        summary:
          'Open a visit from a checked-in appointment (`appointmentId`; the appointment is started) or a walk-in (`patientId` + `providerId`). The note starts from the appointment type’s template. Opening an appointment’s visit again returns it (200).',
        body: zEncounterCreate,
        response: { 200: zEncounter, 201: zEncounter, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { encounter, created } = await openEncounter(db, requireCtx(request), request.body);
      return reply.status(created ? 201 : 200).send(encounter);
    },
  );
  app.get(
    '/api/encounters',
    {
      config: { access: 'clinical.read' },
      schema: {
        tags,
        summary:
          'Visits (state and diagnoses; no note text, no service lines: see the visit) by provider, patient, date or status, the latest 500 (`truncated`: there were more); `overdue` = unsigned over a day',
        querystring: z.object({
          providerId: zId.optional(),
          patientId: zId.optional(),
          date: zDate.optional(),
          status: z.enum(['in_progress', 'signed']).optional(),
        }),
        response: {
          200: visitList,
          ...errorResponses,
        },
      },
    },
    async (request) => listEncounters(db, requireCtx(request), request.query),
  );
  app.get(
    '/api/encounters/without-charge',
    {
      config: { access: 'charge.read' },
      schema: {
        tags,
        summary:
          'Signed visits that billed nothing ("visit without charge"), for the manager to check: the oldest 500 (`truncated`: there were more)',
        response: {
          200: visitList,
          ...errorResponses,
        },
      },
    },
    async (request) => listEncounters(db, requireCtx(request), { status: 'signed', withoutCharge: true }),
  );
  app.get(
    '/api/encounters/:id',
    {
      config: { access: 'clinical.read' },
      schema: {
        tags,
        summary: 'A visit with its note, codes and addenda (every read is audited)',
        params: zIdParams,
        response: { 200: zEncounter, ...errorResponses },
      },
    },
    async (request) => getEncounter(db, requireCtx(request), request.params.id),
  );
  app.patch(
    '/api/encounters/:id',
    {
      config: { access: 'clinical.write' },
      schema: {
        tags,
        summary:
          'Save changes while in progress (autosave): send `version` as read; a stale one gets 409. Nurses may change the chief complaint only; the note and the diagnosis/service lists (sent whole) are the provider’s.',
        params: zIdParams,
        body: zEncounterPatch,
        response: { 200: zEncounter, ...errorResponses },
      },
    },
    async (request) => updateEncounter(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/encounters/:id/sign',
    {
      config: { access: 'encounter.sign' },
      schema: {
        tags,
        summary: 'Sign the visit (its own provider only): the note locks and each service line becomes a charge',
        params: zIdParams,
        response: { 200: zEncounter, ...errorResponses },
      },
    },
    async (request) => signEncounter(db, requireCtx(request), request.params.id),
  );
  app.post(
    '/api/encounters/:id/addenda',
    {
      config: { access: 'note.write' },
      schema: {
        tags,
        summary:
          'Correct a signed visit: text with a reason, and diagnoses or services added (new charges) or service lines removed (their charges voided)',
        params: zIdParams,
        body: zAddendumCreate,
        response: { 201: zEncounter, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addAddendum(db, requireCtx(request), request.params.id, request.body)),
  );
  app.post(
    '/api/encounters/:id/vitals',
    {
      config: { access: 'clinical.write' },
      schema: {
        tags,
        summary:
          'Record vitals; every unit is named (temperature C|F, height cm|in, weight kg|lb). Implausible values are refused; borderline ones are flagged.',
        params: zIdParams,
        body: zVitalsInput,
        response: { 201: zVitals, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recordVitals(db, requireCtx(request), request.params.id, request.body)),
  );
  app.post(
    '/api/encounters/:id/follow-ups',
    {
      config: { access: 'note.write' },
      schema: {
        tags,
        summary:
          'Ask for a follow-up ("return in 2 weeks for X"): a recall on the front desk’s list, messaged to the patient when due',
        params: zIdParams,
        body: zFollowUpCreate,
        response: { 201: zRecall, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createFollowUp(db, requireCtx(request), request.params.id, request.body)),
  );

  // ---- The chart ----
  app.get(
    '/api/patients/:id/vitals',
    {
      config: { access: 'clinical.read' },
      schema: {
        tags,
        summary: 'The patient’s vitals, newest first (metric; BMI computed)',
        params: zIdParams,
        response: { 200: items(zVitals), ...errorResponses },
      },
    },
    async (request) => listVitals(db, requireCtx(request), request.params.id),
  );
  app.get(
    '/api/patients/:id/chart',
    {
      config: { access: 'clinical.read' },
      schema: {
        tags,
        summary: 'Problem list, allergies and medications',
        params: zIdParams,
        response: { 200: zChart, ...errorResponses },
      },
    },
    async (request) => getChart(db, requireCtx(request), request.params.id),
  );
  app.post(
    '/api/patients/:id/allergies',
    {
      config: { access: 'clinical.write' },
      schema: {
        tags,
        summary: 'Add an allergy (free text, optional code)',
        params: zIdParams,
        body: zAllergyCreate,
        response: { 201: zAllergy, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addAllergy(db, requireCtx(request), request.params.id, request.body)),
  );
  app.patch(
    '/api/allergies/:id',
    {
      config: { access: 'clinical.write' },
      schema: {
        tags,
        summary: 'Change an allergy or mark it inactive',
        params: zIdParams,
        body: zAllergyPatch,
        response: { 200: zAllergy, ...errorResponses },
      },
    },
    async (request) => updateAllergy(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/patients/:id/medications',
    {
      config: { access: 'clinical.write' },
      schema: {
        tags,
        summary: 'Add a medication (free text, optional code)',
        params: zIdParams,
        body: zMedicationCreate,
        response: { 201: zMedication, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addMedication(db, requireCtx(request), request.params.id, request.body)),
  );
  app.patch(
    '/api/medications/:id',
    {
      config: { access: 'clinical.write' },
      schema: {
        tags,
        summary: 'Change a medication or mark it stopped',
        params: zIdParams,
        body: zMedicationPatch,
        response: { 200: zMedication, ...errorResponses },
      },
    },
    async (request) => updateMedication(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/problems/:id/resolve',
    {
      config: { access: 'note.write' },
      schema: {
        tags,
        summary: 'Mark a problem on the problem list resolved',
        params: zIdParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await resolveProblem(db, requireCtx(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- Billing's view ----
  app.get(
    '/api/charges',
    {
      config: { access: 'charge.read' },
      schema: {
        tags,
        summary: 'Charges signed visits created (one per service line; voided ones stay listed with the reason)',
        querystring: zChargesQuery,
        response: { 200: items(zCharge), ...errorResponses },
      },
    },
    async (request) => listCharges(db, requireCtx(request), request.query),
  );
}

import {
  type AppointmentAction,
  zAppointmentCreate,
  zAppointmentTypeCreate,
  zCancelBody,
  zExtraHoursCreate,
  zRescheduleBody,
  zSeriesBookBody,
  zSeriesPlanBody,
  zSlotsQuery,
  zTimeOffCreate,
  zWorkingHoursPut,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import {
  bookAppointment,
  changeAppointmentStatus,
  getAppointment,
  listAppointments,
  rescheduleAppointment,
} from './appointments';
import {
  createExtraHours,
  createTimeOff,
  findNextSlot,
  findSlots,
  getWorkingHours,
  listClinicTimeOff,
  listExtraHours,
  listTimeOff,
  listWorkingTime,
  putWorkingHours,
  removeExtraHours,
  removeTimeOff,
} from './availability';
import {
  createAppointmentType,
  createRoom,
  listAppointmentTypes,
  listRooms,
  updateAppointmentType,
  updateRoom,
} from './catalogue';
import {
  zAppointment,
  zAppointmentsQuery,
  zAppointmentType,
  zAppointmentTypePatch,
  zExtraHours,
  zNextSlotQuery,
  zPlannedVisit,
  zRoom,
  zRoomCreate,
  zRoomPatch,
  zScheduleVersionOut,
  zSlot,
  zTimeOff,
  zTimeOffQuery,
  zWorkingTime,
  zWorkingTimeQuery,
} from './schemas';
import { bookSeries, planSeries } from './series';

export function schedulingRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['scheduling'];

  // ---- Appointment types and rooms ----
  app.get(
    '/api/appointment-types',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'The clinic’s appointment types, with the providers who offer each',
        response: { 200: z.object({ items: z.array(zAppointmentType) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listAppointmentTypes(db, requireCtx(request)) }),
  );
  app.post(
    '/api/appointment-types',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Add an appointment type (duration, colour, providers, buffer after, room type needed)',
        body: zAppointmentTypeCreate,
        response: { 201: zAppointmentType, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createAppointmentType(db, requireCtx(request), request.body)),
  );
  app.patch(
    '/api/appointment-types/:id',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Change an appointment type (only the fields given; providerIds replaces the list)',
        params: zIdParams,
        body: zAppointmentTypePatch,
        response: { 200: zAppointmentType, ...errorResponses },
      },
    },
    async (request) => updateAppointmentType(db, requireCtx(request), request.params.id, request.body),
  );
  app.get(
    '/api/rooms',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'The clinic’s rooms',
        response: { 200: z.object({ items: z.array(zRoom) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listRooms(db, requireCtx(request)) }),
  );
  app.post(
    '/api/rooms',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Add a room of a type (e.g. exam, x-ray) at a location',
        body: zRoomCreate,
        response: { 201: zRoom, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createRoom(db, requireCtx(request), request.body)),
  );
  app.patch(
    '/api/rooms/:id',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Rename a room, change its type or take it out of use (booked appointments keep it)',
        params: zIdParams,
        body: zRoomPatch,
        response: { 200: zRoom, ...errorResponses },
      },
    },
    async (request) => updateRoom(db, requireCtx(request), request.params.id, request.body),
  );

  // ---- Working hours and time off ----
  app.get(
    '/api/providers/:id/working-hours',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'A provider’s weekly working hours: every schedule version, per location',
        params: zIdParams,
        response: { 200: z.object({ items: z.array(zScheduleVersionOut) }), ...errorResponses },
      },
    },
    async (request) => getWorkingHours(db, requireCtx(request), request.params.id),
  );
  app.put(
    '/api/providers/:id/working-hours',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary:
          'Replace a provider’s weekly hours at a location from validFrom (default today); the previous version ends the day before',
        params: zIdParams,
        body: zWorkingHoursPut,
        response: { 200: z.object({ items: z.array(zScheduleVersionOut) }), ...errorResponses },
      },
    },
    async (request) => putWorkingHours(db, requireCtx(request), request.params.id, request.body),
  );
  app.get(
    '/api/providers/:id/time-off',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'A provider’s time off and the clinic’s closures, optionally within [from, to)',
        params: zIdParams,
        querystring: zTimeOffQuery,
        response: { 200: z.object({ items: z.array(zTimeOff) }), ...errorResponses },
      },
    },
    async (request) => listTimeOff(db, requireCtx(request), request.params.id, request.query),
  );
  app.post(
    '/api/providers/:id/time-off',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Block time for a provider (vacation, an afternoon); existing appointments are kept',
        params: zIdParams,
        body: zTimeOffCreate,
        response: { 201: zTimeOff, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createTimeOff(db, requireCtx(request), request.params.id, request.body)),
  );

  app.get(
    '/api/providers/:id/extra-hours',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'A provider’s one-off extra hours outside the weekly schedule, optionally within [from, to)',
        params: zIdParams,
        querystring: zTimeOffQuery,
        response: { 200: z.object({ items: z.array(zExtraHours) }), ...errorResponses },
      },
    },
    async (request) => listExtraHours(db, requireCtx(request), request.params.id, request.query),
  );
  app.post(
    '/api/providers/:id/extra-hours',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary:
          'Add one-off working hours at a location (a Saturday clinic, at most 24 hours); open slots include them',
        params: zIdParams,
        body: zExtraHoursCreate,
        response: { 201: zExtraHours, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createExtraHours(db, requireCtx(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/providers/:id/extra-hours/:extraHoursId',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Remove one-off extra hours (appointments already booked in them are kept)',
        params: zIdParams.extend({ extraHoursId: zIdParams.shape.id }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await removeExtraHours(db, requireCtx(request), request.params.id, request.params.extraHoursId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/time-off',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'The clinic’s closures (holidays: time off of every provider), optionally within [from, to)',
        querystring: zTimeOffQuery,
        response: { 200: z.object({ items: z.array(zTimeOff) }), ...errorResponses },
      },
    },
    async (request) => listClinicTimeOff(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/time-off',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Close the clinic (a holiday): no provider has open slots then; existing appointments are kept',
        body: zTimeOffCreate,
        response: { 201: zTimeOff, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createTimeOff(db, requireCtx(request), null, request.body)),
  );
  app.delete(
    '/api/time-off/:id',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary: 'Remove time off of a provider or a clinic closure; its time is bookable again',
        params: zIdParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await removeTimeOff(db, requireCtx(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/working-time',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary:
          'Every active provider’s working time in [from, to) (at most 62 days) less time off, optionally at one location or of one provider: the hours the schedule shows as open',
        querystring: zWorkingTimeQuery,
        response: { 200: z.object({ items: z.array(zWorkingTime) }), ...errorResponses },
      },
    },
    async (request) => listWorkingTime(db, requireCtx(request), request.query),
  );

  // ---- Open slots ----
  app.get(
    '/api/slots',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary:
          'Bookable start times of an appointment type in [from, to) (at most 62 days): working hours − time off − bookings and buffers',
        querystring: zSlotsQuery,
        response: { 200: z.object({ items: z.array(zSlot) }), ...errorResponses },
      },
    },
    async (request) => findSlots(db, requireCtx(request), request.query),
  );
  app.get(
    '/api/slots/next',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'The earliest open slot of a type across every provider who offers it (searches 62 days ahead)',
        querystring: zNextSlotQuery,
        response: { 200: z.object({ slot: zSlot.nullable() }), ...errorResponses },
      },
    },
    async (request) => findNextSlot(db, requireCtx(request), request.query),
  );

  // ---- Appointments ----
  app.get(
    '/api/appointments',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary:
          'Appointments overlapping [from, to) (at most 62 days), optionally of one provider, patient or location. More than 5,000 is a 400 asking for a shorter range, one location or one provider (never a shortened list)',
        querystring: zAppointmentsQuery,
        response: { 200: z.object({ items: z.array(zAppointment) }), ...errorResponses },
      },
    },
    async (request) => listAppointments(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/appointments',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary:
          'Book an appointment. 409 slot_taken names the conflicting appointment; outside_availability unless override (with a reason); patient_overlap unless allowPatientOverlap',
        body: zAppointmentCreate,
        response: { 201: zAppointment, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await bookAppointment(db, requireCtx(request), request.body)),
  );
  app.get(
    '/api/appointments/:id',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'One appointment with its status timestamps',
        params: zIdParams,
        response: { 200: zAppointment, ...errorResponses },
      },
    },
    async (request) => getAppointment(db, requireCtx(request), request.params.id),
  );
  app.post(
    '/api/appointments/series/plan',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary:
          'Plan recurring visits (every 1–4 weeks, 2–52 visits, same local time): which are free, and for the others why not and up to 3 alternatives',
        body: zSeriesPlanBody,
        response: { 200: z.object({ occurrences: z.array(zPlannedVisit) }), ...errorResponses },
      },
    },
    async (request) => planSeries(db, requireCtx(request), request.body),
  );
  app.post(
    '/api/appointments/series',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary:
          'Book a series of visits in one go: every visit is booked, or none is (409 names the visit in the way, with details.occurrence)',
        body: zSeriesBookBody,
        response: {
          201: z.object({ seriesId: z.string(), items: z.array(zAppointment) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await bookSeries(db, requireCtx(request), request.body)),
  );
  app.post(
    '/api/appointments/:id/reschedule',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary: 'Move an appointment atomically: the new time is taken, or nothing changes (409 slot_taken)',
        params: zIdParams,
        body: zRescheduleBody,
        response: { 200: zAppointment, ...errorResponses },
      },
    },
    async (request) => rescheduleAppointment(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/appointments/:id/cancel',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary: 'Cancel an appointment with a reason; its time becomes free',
        params: zIdParams,
        body: zCancelBody,
        response: { 200: zAppointment, ...errorResponses },
      },
    },
    async (request) => changeAppointmentStatus(db, requireCtx(request), request.params.id, 'cancel', request.body),
  );

  const transitions: Array<{ action: Exclude<AppointmentAction, 'cancel'>; summary: string }> = [
    { action: 'confirm', summary: 'Mark an appointment confirmed by the patient' },
    { action: 'check-in', summary: 'Check the patient in (records the arrival time)' },
    { action: 'start', summary: 'Start the visit (records the time the patient was seen)' },
    { action: 'complete', summary: 'Complete the visit (check-out time)' },
    { action: 'no-show', summary: 'Mark a no-show; its time becomes free' },
  ];
  for (const { action, summary } of transitions) {
    app.post(
      `/api/appointments/:id/${action}`,
      {
        config: { access: 'appointment.write' },
        schema: { tags, summary, params: zIdParams, response: { 200: zAppointment, ...errorResponses } },
      },
      async (request) => changeAppointmentStatus(db, requireCtx(request), request.params.id, action),
    );
  }
}

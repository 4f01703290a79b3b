import { type Db, newId, schema, sqlState } from '@tend/db';
import { AppError, type AppointmentTypeCreate } from '@tend/domain';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import type { AppointmentType, AppointmentTypePatch, Room, RoomCreate, RoomPatch } from './schemas';
import { requireLocationField, requireType } from './shared';

/** Appointment types and rooms: what can be booked, and where. */

function toAppointmentType(row: typeof schema.appointmentTypes.$inferSelect, providerIds: string[]): AppointmentType {
  return {
    id: row.id,
    name: row.name,
    durationMinutes: row.durationMinutes,
    color: row.color,
    bufferAfterMinutes: row.bufferAfterMinutes,
    roomType: row.roomType,
    reminders: row.reminders,
    providerIds,
    active: row.active,
  };
}

export async function listAppointmentTypes(db: Db, ctx: RequestContext): Promise<AppointmentType[]> {
  const t = schema.appointmentTypes;
  const [types, links] = await Promise.all([
    db.select().from(t).where(eq(t.clinicId, ctx.clinicId)).orderBy(asc(t.name)),
    db.select().from(schema.appointmentTypeProviders).where(eq(schema.appointmentTypeProviders.clinicId, ctx.clinicId)),
  ]);
  return types.map((type) =>
    toAppointmentType(
      type,
      links.filter((l) => l.appointmentTypeId === type.id).map((l) => l.providerId),
    ),
  );
}

async function checkProviderIds(db: Db, ctx: RequestContext, providerIds: string[]): Promise<string[]> {
  const unique = [...new Set(providerIds)];
  if (!unique.length) return unique;
  const found = await db
    .select({ id: schema.providers.id })
    .from(schema.providers)
    .where(and(eq(schema.providers.clinicId, ctx.clinicId), inArray(schema.providers.id, unique)));
  if (found.length !== unique.length) {
    throw AppError.validation([{ path: 'providerIds', message: 'Choose providers of this clinic.' }]);
  }
  return unique;
}

function duplicateTypeName(error: unknown): never {
  if (sqlState(error) === '23505') {
    throw AppError.validation([{ path: 'name', message: 'An appointment type with this name already exists.' }]);
  }
  throw error;
}

export async function createAppointmentType(
  db: Db,
  ctx: RequestContext,
  input: AppointmentTypeCreate,
): Promise<AppointmentType> {
  const providerIds = await checkProviderIds(db, ctx, input.providerIds);
  const id = newId();
  try {
    const row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(schema.appointmentTypes)
        .values({
          id,
          clinicId: ctx.clinicId,
          name: input.name,
          durationMinutes: input.durationMinutes,
          color: input.color,
          bufferAfterMinutes: input.bufferAfterMinutes,
          roomType: input.roomType,
          reminders: input.reminders,
        })
        .returning();
      if (providerIds.length) {
        await tx
          .insert(schema.appointmentTypeProviders)
          .values(providerIds.map((providerId) => ({ clinicId: ctx.clinicId, appointmentTypeId: id, providerId })));
      }
      await recordAudit(tx, ctx, { action: 'appointment_type.create', entityType: 'appointment_type', entityId: id });
      return inserted;
    });
    return toAppointmentType(row, providerIds);
  } catch (error) {
    duplicateTypeName(error);
  }
}

export async function updateAppointmentType(
  db: Db,
  ctx: RequestContext,
  typeId: string,
  patch: AppointmentTypePatch,
): Promise<AppointmentType> {
  const current = await requireType(db, ctx, typeId);
  const providerIds = patch.providerIds ? await checkProviderIds(db, ctx, patch.providerIds) : current.providerIds;
  const { providerIds: _providerIds, ...fields } = patch;
  try {
    const row = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(schema.appointmentTypes)
        .set({ ...fields, updatedAt: new Date() })
        .where(and(eq(schema.appointmentTypes.id, typeId), eq(schema.appointmentTypes.clinicId, ctx.clinicId)))
        .returning();
      if (patch.providerIds) {
        await tx
          .delete(schema.appointmentTypeProviders)
          .where(eq(schema.appointmentTypeProviders.appointmentTypeId, typeId));
        if (providerIds.length) {
          await tx
            .insert(schema.appointmentTypeProviders)
            .values(
              providerIds.map((providerId) => ({ clinicId: ctx.clinicId, appointmentTypeId: typeId, providerId })),
            );
        }
      }
      await recordAudit(tx, ctx, {
        action: 'appointment_type.update',
        entityType: 'appointment_type',
        entityId: typeId,
        details: { fields: Object.keys(patch) },
      });
      return updated;
    });
    return toAppointmentType(row, providerIds);
  } catch (error) {
    duplicateTypeName(error);
  }
}

// ---- Rooms ------------------------------------------------------------------------------------

function toRoom(row: typeof schema.rooms.$inferSelect): Room {
  return { id: row.id, locationId: row.locationId, name: row.name, roomType: row.roomType, active: row.active };
}

export async function listRooms(db: Db, ctx: RequestContext): Promise<Room[]> {
  const rows = await db
    .select()
    .from(schema.rooms)
    .where(eq(schema.rooms.clinicId, ctx.clinicId))
    .orderBy(asc(schema.rooms.name));
  return rows.map(toRoom);
}

export async function createRoom(db: Db, ctx: RequestContext, input: RoomCreate): Promise<Room> {
  await requireLocationField(db, ctx, input.locationId);
  const id = newId();
  try {
    const row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(schema.rooms)
        .values({ id, clinicId: ctx.clinicId, ...input })
        .returning();
      await recordAudit(tx, ctx, { action: 'room.create', entityType: 'room', entityId: id });
      return inserted;
    });
    return toRoom(row);
  } catch (error) {
    duplicateRoomName(error);
  }
}

function duplicateRoomName(error: unknown): never {
  if (sqlState(error) === '23505') {
    throw AppError.validation([{ path: 'name', message: 'This location already has a room with this name.' }]);
  }
  throw error;
}

/**
 * Renames, retypes or (de)activates a room. Appointments already booked keep their room: only
 * new bookings look at the type and the active flag.
 */
export async function updateRoom(db: Db, ctx: RequestContext, roomId: string, patch: RoomPatch): Promise<Room> {
  const r = schema.rooms;
  try {
    const row = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(r)
        .set({ ...patch, updatedAt: new Date() })
        .where(and(eq(r.id, roomId), eq(r.clinicId, ctx.clinicId)))
        .returning();
      if (!updated) throw AppError.notFound('The room');
      await recordAudit(tx, ctx, {
        action: 'room.update',
        entityType: 'room',
        entityId: roomId,
        details: { fields: Object.keys(patch) },
      });
      return updated;
    });
    return toRoom(row);
  } catch (error) {
    duplicateRoomName(error);
  }
}

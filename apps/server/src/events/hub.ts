import { type Database, type Db, notify } from '@tend/db';
import { type ScheduleEvent, zScheduleEvent } from '@tend/domain';
import { z } from 'zod';

/**
 * Live updates across every server process of a clinic network: a change is announced with
 * PostgreSQL NOTIFY inside the transaction that makes it (so only committed changes are told),
 * and every process LISTENs and passes the events on to the screens of that clinic.
 */

const CHANNEL = 'tend_events';

const zEnvelope = z.object({ clinicId: z.string(), event: zScheduleEvent });

/** Announces `event` to every open screen of the clinic once the surrounding transaction commits. */
export async function publishEvent(tx: Db, clinicId: string, event: ScheduleEvent): Promise<void> {
  await notify(tx, CHANNEL, JSON.stringify({ clinicId, event }));
}

export type EventListener = (event: ScheduleEvent) => void;

export interface EventHub {
  /** Calls `listener` for every event of the clinic until the returned function is called. */
  subscribe(clinicId: string, listener: EventListener): () => void;
  /** How many screens are listening (for health checks and tests). */
  readonly listenerCount: number;
  close(): Promise<void>;
}

export async function startEventHub(database: Database, onBadPayload?: (payload: string) => void): Promise<EventHub> {
  const byClinic = new Map<string, Set<EventListener>>();
  let count = 0;
  const deliver = (clinicId: string, event: ScheduleEvent) => {
    for (const listener of byClinic.get(clinicId) ?? []) listener(event);
  };
  const stop = await database.listen(
    CHANNEL,
    (payload) => {
      let parsed: z.infer<typeof zEnvelope>;
      try {
        parsed = zEnvelope.parse(JSON.parse(payload));
      } catch {
        onBadPayload?.(payload);
        return;
      }
      deliver(parsed.clinicId, parsed.event);
    },
    () => {
      for (const clinicId of byClinic.keys()) deliver(clinicId, { kind: 'resync' });
    },
  );
  return {
    subscribe(clinicId, listener) {
      let set = byClinic.get(clinicId);
      if (!set) {
        set = new Set();
        byClinic.set(clinicId, set);
      }
      set.add(listener);
      count++;
      return () => {
        if (set.delete(listener)) count--;
        if (set.size === 0 && byClinic.get(clinicId) === set) byClinic.delete(clinicId);
      };
    },
    get listenerCount() {
      return count;
    },
    async close() {
      byClinic.clear();
      count = 0;
      await stop();
    },
  };
}

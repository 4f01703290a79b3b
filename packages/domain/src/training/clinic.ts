import { z } from 'zod';
import { zRole } from '../clinic';
import { zTimeZone } from '../validation';

/** What a fresh install's demo (the stand-alone training clinic) can be signed in with. */
export const zDemoSignIns = z.object({
  password: z.string(),
  signIns: z.array(z.object({ email: z.string(), name: z.string(), role: zRole })),
});
export type DemoSignIns = z.infer<typeof zDemoSignIns>;

/** "Explore the training clinic" on the setup page. */
export const zDemoCreate = z.object({
  /** The browser's time zone, so the demo's days are the newcomer's. */
  timezone: zTimeZone.default('America/New_York'),
  /** As for setup: needed only from another computer than Tend's own. */
  setupCode: z.string().max(40).nullish(),
});

/** What a reset (or the first fill) put into the training clinic. */
export const zTrainingPopulation = z.object({
  patients: z.number().int(),
  staff: z.array(z.object({ email: z.string(), name: z.string(), role: zRole })),
  appointments: z.record(z.string(), z.number().int()),
  encounters: z.record(z.string(), z.number().int()),
  invoices: z.record(z.string(), z.number().int()),
  claims: z.record(z.string(), z.number().int()),
});

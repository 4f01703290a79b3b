import { type Db, schema } from '@tend/db';
import { eq } from 'drizzle-orm';

/** Whether the clinic is a training clinic (messages of one are only ever captured). */
export async function isTrainingClinic(db: Db, clinicId: string): Promise<boolean> {
  const [row] = await db
    .select({ isTraining: schema.clinics.isTraining })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, clinicId));
  return row?.isTraining === true;
}

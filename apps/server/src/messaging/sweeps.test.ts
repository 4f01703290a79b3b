import type { Db } from '@tend/db';
import { describe, expect, it } from 'vitest';
import type { MessagingEnv } from './outbox';
import { runSweeps, type Sweep } from './sweeps';

describe('the worker’s sweeps', () => {
  it('runs every sweep in order with the same clock, and one failing does not stop the rest', async () => {
    const ran: string[] = [];
    const now = new Date('2026-03-08T12:00:00Z');
    const sweeps: Sweep[] = [
      async (_db, _env, at) => ran.push(`a@${at.toISOString()}`),
      async () => {
        ran.push('b');
        throw new Error('b broke');
      },
      async (_db, _env, at) => ran.push(`c@${at.toISOString()}`),
    ];
    const errors = await runSweeps({} as Db, {} as MessagingEnv, now, sweeps);
    expect(ran).toEqual(['a@2026-03-08T12:00:00.000Z', 'b', 'c@2026-03-08T12:00:00.000Z']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['b broke']);
  });
});

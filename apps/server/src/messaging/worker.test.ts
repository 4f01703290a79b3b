import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '@tend/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createClinic } from '../clinic/service';
import { loadConfig } from '../config';
import { startServer } from '../server';
import { createTestApp } from '../test/harness';
import { enqueueMessage } from './outbox';

/** The running server delivers the outbox by itself; the test harness (and the CLI) never do. */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function waitForStatus(read: () => Promise<string | undefined>, status: string, ms = 10_000) {
  const until = Date.now() + ms;
  let current = await read();
  while (current !== status && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = await read();
  }
  return current;
}

describe('the outbox worker of a running server', () => {
  it('starts after listening, delivers due messages, and stops before the database closes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tend-worker-'));
    dirs.push(dataDir);
    const server = await startServer({
      ...loadConfig({}),
      dataDir,
      databaseUrl: undefined,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      emailMode: 'capture',
      outboxIntervalMs: 100,
    });
    try {
      const db = server.database.db;
      const { clinicId } = await createClinic(
        db,
        {
          clinicName: 'Worker Clinic',
          timezone: 'UTC',
          currency: 'USD',
          country: 'US',
          address: null,
          adminName: 'Ada',
          adminEmail: 'ada@worker.test',
          adminPassword: 'a long password 123',
        },
        { ip: null, userAgent: null },
        { onlyIfEmpty: false },
      );
      const id = await enqueueMessage(db, {
        clinicId,
        channel: 'email',
        to: 'someone@example.com',
        subject: 'Hello',
        text: 'Hello',
        idempotencyKey: 'worker-test',
      });
      const read = async () =>
        (
          await db
            .select()
            .from(schema.messages)
            .where(eq(schema.messages.id, id as string))
        )[0]?.status;
      expect(await waitForStatus(read, 'captured')).toBe('captured');
    } finally {
      await server.stop();
    }
  });

  it('is not started by the test harness', async () => {
    const t = await createTestApp();
    try {
      const clinic = await t.createClinic();
      const id = await enqueueMessage(t.database.db, {
        clinicId: clinic.clinicId,
        channel: 'email',
        to: 'someone@example.com',
        subject: 'Hello',
        text: 'Hello',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [row] = await t.database.db
        .select()
        .from(schema.messages)
        .where(eq(schema.messages.id, id as string));
      expect(row.status).toBe('queued');
    } finally {
      await t.close();
    }
  });
});

#!/usr/bin/env node
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setFlagsFromString } from 'node:v8';
import { migrate, openDatabase } from '@tend/db';
import { isErrorBody } from '@tend/domain';
import { restoreCommand } from '../backup/restore';
import { setupCode } from '../clinic/setup-code';
import { loadConfig } from '../config';
import { acquireDataDirLock, type DataDirLock, lockPath, readLiveLock, startServer } from '../server';
import { absoluteFileOperands, formatError, runCommand, USAGE } from './commands';
import { CLI_SECRET_HEADER } from './routes';

/**
 * Hands a command to the server running on this data folder, over loopback. With TLS the
 * certificate is for the clinic's host name, not 127.0.0.1, so it is not verified: the same trust
 * as the plain-HTTP loopback call (the secret only works on that server).
 */
function postToServer(server: DataDirLock, payload: unknown): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(payload);
  const send = server.tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const call = send(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/api/internal/cli',
        method: 'POST',
        rejectUnauthorized: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          [CLI_SECRET_HEADER]: server.secret,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

/**
 * How far V8 lets the heap grow past what its last full collection kept before collecting again.
 * Its own factor reaches 4× when collecting is slow next to allocating — for throughput — so a
 * busy server held that much garbage: what a request leaves is garbage once it is answered (the
 * clinic network's load: 190–210 MB of heap in use against ≈60 MB live, a 311–337 MB resident
 * set). docs/performance.md, "The heap's growing factor". `node --heap-growing-percent=N` (0: V8's
 * own) overrides it.
 */
const HEAP_GROWING_PERCENT = 50;

/** How long `tend start` waits on SIGTERM for requests in flight and the outbox before giving up. */
const STOP_DEADLINE_MS = 10_000;

async function main(args: string[]): Promise<number> {
  const config = loadConfig();
  // A running server reads files from its own working folder: name them absolutely.
  const argv = absoluteFileOperands(args);
  const command = argv[0];
  if (command === 'start') {
    if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) {
      setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    }
    const server = await startServer(config);
    const { isSetUp } = await import('../clinic/service');
    const setUp = await isSetUp(server.database.db);
    const where = config.databaseUrl ? 'PostgreSQL server (DATABASE_URL)' : `embedded database in ${config.dataDir}`;
    console.log(`\nTend is running at ${server.url}  (${where})`);
    console.log(setUp ? 'Open it in your browser and sign in.' : 'Open it in your browser to set up your clinic.');
    if (!setUp) console.log(`Setting it up from another computer asks for this setup code: ${setupCode(config)}`);
    console.log('Press Ctrl+C to stop.\n');
    const stop = async () => {
      // A request or a delivery that does not finish must not keep the process from stopping
      // (systemd's TimeoutStopSec would end it with SIGKILL): after the deadline exit with 1.
      setTimeout(() => {
        console.error(`Tend did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting anyway.`);
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
      await server.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1; // keep running
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }

  // A restore writes a new database, never the running server's: it runs here, whatever runs.
  if (command === 'restore') {
    try {
      console.log(await restoreCommand(argv.slice(1), config));
      return 0;
    } catch (error) {
      console.error(formatError(error));
      return 1;
    }
  }

  // On the embedded database a running server owns the data folder: hand the command to it.
  if (!config.databaseUrl) {
    const server = readLiveLock(config.dataDir);
    if (server?.port && server.secret) {
      const response = await postToServer(server, { args: argv }).catch(() => null);
      if (!response) {
        console.error(
          `${lockPath(config.dataDir)} says a Tend server (process ${server.pid}) runs on port ${server.port}, but it does not answer.\n` +
            'If no Tend server is running, delete that file and try again.',
        );
        return 1;
      }
      const body = response.body;
      if (response.status === 200) {
        console.log((body as { output: string }).output);
        return 0;
      }
      if (isErrorBody(body)) {
        const fields = body.error.fields.map((f) => `  ${f.path}: ${f.message}`);
        console.error([body.error.message, ...fields].join('\n'));
      } else console.error(`The running server answered ${response.status}.`);
      return 1;
    }
  }

  const release = config.databaseUrl ? () => undefined : acquireDataDirLock(config.dataDir, {});
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (command !== 'migrate') await migrate(database);
    console.log(await runCommand(database, argv, config));
    return 0;
  } catch (error) {
    console.error(formatError(error));
    return 1;
  } finally {
    await database.close();
    release();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(formatError(error));
    process.exit(1);
  },
);

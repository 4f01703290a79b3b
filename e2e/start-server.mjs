// Starts Tend for the browser tests on a fresh embedded database in a temporary folder.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const dataDir = mkdtempSync(join(tmpdir(), 'tend-e2e-'));
// With TEND_TEST_LOG_DIR (scripts/test.mjs) the server logs every request into that folder,
// searched afterwards for the test patients (scripts/log-canaries.mjs); warnings still show here.
const logDir = process.env.TEND_TEST_LOG_DIR;
const server = spawn(process.execPath, [new URL('../apps/server/bin/tend.js', import.meta.url).pathname, 'start'], {
  stdio: ['inherit', logDir ? 'pipe' : 'inherit', 'inherit'],
  // A known secret key: the reminders test signs a patient's link as a message would carry it.
  env: {
    ...process.env,
    TEND_DATA_DIR: dataDir,
    DATABASE_URL: '',
    TEND_SECRET_KEY: 'e2e-secret-key',
    // The training clinic the specs switch into is made in a few seconds.
    TEND_TRAINING_SIZE: 'small',
    ...(logDir ? { LOG_LEVEL: 'debug' } : {}),
  },
});
if (logDir) {
  mkdirSync(logDir, { recursive: true });
  const file = createWriteStream(join(logDir, 'e2e-server.log'), { flags: 'a' });
  createInterface({ input: server.stdout }).on('line', (line) => {
    file.write(`${line}\n`);
    const level = /^\{"level":(\d+)/.exec(line)?.[1];
    if (!level || Number(level) >= 40) console.log(line);
  });
}
const stop = () => server.kill('SIGTERM');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
server.on('exit', (code) => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}-backups`, { recursive: true, force: true });
  process.exit(code ?? 0);
});

// Starts Tend for the browser tests on a fresh embedded database in a temporary folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dataDir = mkdtempSync(join(tmpdir(), 'tend-e2e-'));
const server = spawn(process.execPath, [new URL('../apps/server/bin/tend.js', import.meta.url).pathname, 'start'], {
  stdio: 'inherit',
  // A known secret key: the reminders test signs a patient's link as a message would carry it.
  env: { ...process.env, TEND_DATA_DIR: dataDir, DATABASE_URL: '', TEND_SECRET_KEY: 'e2e-secret-key' },
});
const stop = () => server.kill('SIGTERM');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
server.on('exit', (code) => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});

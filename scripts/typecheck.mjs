// Type-checks every package at once (one tsc per project, in parallel), each keeping its
// incremental build info under node_modules/.cache/tsc so a second run only re-checks what changed.
import { spawn } from 'node:child_process';

const PROJECTS = ['packages/domain', 'packages/db', 'apps/server', 'apps/web', 'e2e', 'bench'];

const runs = PROJECTS.map(
  (project) =>
    new Promise((resolve) => {
      const info = `node_modules/.cache/tsc/${project.replaceAll('/', '-')}.tsbuildinfo`;
      const child = spawn('npx', ['tsc', '-p', project, '--incremental', '--tsBuildInfoFile', info], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      child.on('close', (code) => resolve({ project, code, output }));
    }),
);

let failed = false;
for (const { project, code, output } of await Promise.all(runs)) {
  if (code !== 0) {
    failed = true;
    process.stdout.write(`== ${project}\n${output}`);
  }
}
process.exit(failed ? 1 : 0);

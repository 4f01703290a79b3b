/**
 * Where a server's CPU went: reads a V8 `.cpuprofile` (`node --cpu-prof`, e.g. the harness with
 * TEND_BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof') and sums the self time by
 * package (the bundle's `// node_modules/…` module comments tell which package a line is in), by
 * source file and by function; and the total time under a few functions (inclusive).
 *
 *   npx tsx bench/cpu-profile.ts <file.cpuprofile> [--window <from µs> <to µs>] [--top 40]
 *
 * --window keeps the samples between two readings of the monotonic clock (the harness prints one
 * per concurrent run: "… monotonic µs window <from> <to>").
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const argv = process.argv.slice(2);
const file = argv[0];
if (!file) throw new Error('usage: cpu-profile.ts <file.cpuprofile> [--window from to] [--top N]');
const option = (name: string, count = 1) => {
  const at = argv.indexOf(`--${name}`);
  return at < 0 ? null : argv.slice(at + 1, at + 1 + count);
};
const window = option('window', 2)?.map(Number) ?? null;
const TOP = Number(option('top')?.[0] ?? 40);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** For a bundle: line → the module it came from (esbuild's `// path` comment above each module). */
const modulesOf = new Map<string, Array<{ line: number; module: string }>>();
function moduleAt(url: string, line: number): string {
  if (!url) return '(native)';
  if (!url.endsWith('.mjs') || !url.includes('/dist/')) return url.replace(/^file:\/\//, '');
  let marks = modulesOf.get(url);
  if (!marks) {
    marks = [];
    const path = fileURLToPath(url);
    if (existsSync(path)) {
      for (const [k, text] of readFileSync(path, 'utf8').split('\n').entries()) {
        const m = /^\/\/ ((?:\.\.\/)*(?:node_modules|packages|src|apps)\/\S+)$/.exec(text);
        if (m) marks.push({ line: k, module: m[1].replace(/^(\.\.\/)+/, '') });
      }
    }
    modulesOf.set(url, marks);
  }
  let lo = 0;
  let hi = marks.length - 1;
  let found = '(bundle)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid].line <= line) {
      found = marks[mid].module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
const packageOf = (module: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  if (m) return m[1];
  if (module.startsWith('node:') || module.startsWith('(')) return module;
  return module.split('/').slice(0, 2).join('/');
};

// Sample times: each sample lasts until the next (timeDeltas[k + 1]).
let t = profile.startTime;
const selfUs = new Map<number, number>();
let total = 0;
for (let k = 0; k < profile.samples.length; k++) {
  t += profile.timeDeltas[k];
  const next = profile.timeDeltas[k + 1] ?? 0;
  if (window && (t < window[0] || t > window[1])) continue;
  selfUs.set(profile.samples[k], (selfUs.get(profile.samples[k]) ?? 0) + next);
  total += next;
}

const sum = (key: (n: Node) => string) => {
  const out = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const k = key(byId.get(id) as Node);
    out.set(k, (out.get(k) ?? 0) + us);
  }
  return [...out].sort((x, y) => y[1] - x[1]);
};
const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
const pct = (us: number) => `${((100 * us) / (total || 1)).toFixed(1).padStart(5)} %`;
const show = (title: string, rows: Array<[string, number]>) => {
  console.log(`\n## ${title}`);
  for (const [k, us] of rows.slice(0, TOP)) console.log(`${ms(us)} ms ${pct(us)}  ${k}`);
};

console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled${window ? ` in window ${window.join('–')}` : ''}`);
const where = (n: Node) => moduleAt(n.callFrame.url, n.callFrame.lineNumber);
show(
  'self time by package',
  sum((n) => packageOf(where(n))),
);
show('self time by module', sum(where));
show(
  'self time by function',
  sum((n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`),
);

// Inclusive time: each sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const node = byId.get(n) as Node;
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where(node)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
show(
  'inclusive time by function (application and workspace code)',
  [...inclusive]
    .filter(([k]) => / (apps|packages)\//.test(k) && !k.includes('node_modules'))
    .sort((x, y) => y[1] - x[1]),
);

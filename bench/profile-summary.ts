/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`, e.g. from
 * `bench/ingest.ts --cpu-prof`): the functions with the most self time, and
 * the inclusive time of the functions on the stacks, repository code first.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 25] [--match src/]
 */
import { readFileSync } from 'node:fs';
import { args, table } from './lib.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const opts = args();
const file = process.argv.slice(2).find((a) => !a.startsWith('--') && a.endsWith('.cpuprofile'));
if (!file) throw new Error('usage: bench/profile-summary.ts <file.cpuprofile>');
const top = Number(opts.get('top') ?? 25);
const match = opts.get('match') ?? '/src/';
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/');
  const name = (n.callFrame.functionName || '(anonymous)').slice(0, 60);
  return `${name} ${url}:${n.callFrame.lineNumber + 1}`;
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  let node = byId.get(id);
  if (!node) return;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const seen = new Set<string>();
  while (node) {
    const l = label(node);
    if (!seen.has(l)) {
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
    }
    const p = parent.get(node.id);
    node = p === undefined ? undefined : byId.get(p);
  }
});

const pct = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
const rows = (m: Map<string, number>, filter: (l: string) => boolean) =>
  [...m.entries()]
    .filter(([l]) => filter(l))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([l, us]) => [pct(us), Math.round(us / 1000), l]);

process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n\n`);
process.stdout.write(
  `self time\n${table([['share', 'ms', 'function'], ...rows(self, () => true)])}\n\n`,
);
process.stdout.write(
  `inclusive time, functions matching "${match}"\n${table([
    ['share', 'ms', 'function'],
    ...rows(inclusive, (l) => l.includes(match.replace(/^\//, ''))),
  ])}\n`,
);

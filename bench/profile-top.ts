import fs from 'node:fs';
import path from 'node:path';

/**
 * The top self-time entries of a V8 CPU profile (`node --cpu-prof`), by
 * function and place, idle time left out, as bench/README.md reports them.
 *
 *   npx tsx bench/profile-top.ts <file.cpuprofile | folder of them> [count] [from s] [to s]
 *
 * `from` and `to` keep the samples of that window of the profile only (e.g. a
 * bench's measured phase, leaving start-up out).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function top(file: string, count: number, from: number, to: number): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const labels = new Map<number, string | null>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|platform|subgraphs)\//, '$1/')}:${lineNumber + 1}` : '';
    labels.set(node.id, functionName === '(idle)' ? null : `${functionName || '(anonymous)'} ${where}`.trim());
  }
  const self = new Map<string, number>();
  let busy = 0;
  let at = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from * 1e6 || at > to * 1e6) continue;
    const label = labels.get(profile.samples[i]!);
    const micros = profile.timeDeltas[i + 1] ?? delta;
    if (!label) continue;
    self.set(label, (self.get(label) ?? 0) + micros);
    busy += micros;
  }
  console.log(
    `${path.basename(file)}: ${(busy / 1e6).toFixed(1)} s busy from ${from} s to ${Math.min(to, (profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`,
  );
  console.log('| self time | share of busy | function |');
  console.log('|---:|---:|---|');
  for (const [label, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`| ${(time / 1e3).toFixed(0)} ms | ${((100 * time) / busy).toFixed(1)} % | \`${label}\` |`);
  }
}

const target = process.argv[2];
if (!target) throw new Error('usage: npx tsx bench/profile-top.ts <file.cpuprofile | folder> [count]');
const files = fs.statSync(target).isDirectory()
  ? fs
      .readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(target, f))
  : [target];
for (const file of files) top(file, Number(process.argv[3] ?? 5), Number(process.argv[4] ?? 0), Number(process.argv[5] ?? Infinity));

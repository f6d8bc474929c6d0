import fs from 'node:fs';
import path from 'node:path';

/**
 * The top self-time entries of a V8 CPU profile (`node --cpu-prof`), by
 * function and place, idle time left out, as bench/README.md reports them.
 *
 *   npx tsx bench/profile-top.ts <file.cpuprofile | folder of them> [count]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function top(file: string, count: number): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const micros = (profile.endTime - profile.startTime) / profile.samples.length;
  const self = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || !node.hitCount) continue;
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|platform)\//, '$1/')}:${lineNumber + 1}` : '';
    const label = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(label, (self.get(label) ?? 0) + node.hitCount * micros);
    busy += node.hitCount * micros;
  }
  console.log(`${path.basename(file)}: ${(busy / 1e6).toFixed(1)} s busy of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
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
for (const file of files) top(file, Number(process.argv[3] ?? 5));

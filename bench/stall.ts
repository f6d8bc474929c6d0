/**
 * The stall attack: a victim client with a key sends a small query in a loop
 * while 8 anonymous attackers send the stall query (one field repeated 4,900
 * times, about 25 KB) as fast as they are answered. Reports the victim's
 * latency (p50, p99) alone and under attack, the attackers' answers, and the
 * event loop's delay in the process that runs the gateway (the whole stack
 * runs in this one process, as `npm start` runs it; the attackers run on a
 * thread of their own).
 *
 *   npx tsx bench/stall.ts                       (PostgreSQL at DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432)
 *   BENCH_SECONDS=30 BENCH_ATTACK=arguments npx tsx bench/stall.ts
 *
 * BENCH_ATTACK: `repeat` (default: `plans` 4,900 times), `arguments` (`plans`
 * 1,200 times with unique argument text, ~25 KB). The anonymous request budget
 * is lifted so the limits alone are measured, as from many addresses. Exits 1
 * when the event loop's delay p99 under attack is 50 ms or more.
 */
import './production';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { generateAdminToken } from '../platform/access-key-format';
import { createBenchDatabase } from './scratch-database';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { startStack } from '../app/stack';
import { generateContextKeyPair } from '../platform/tenant-context';
import { post, subscribeCompany } from './gateway';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ATTACKERS = 8;
const ATTACKS: Record<string, string> = {
  repeat: `{ ${'plans '.repeat(4_900)}}`,
  arguments: `{ ${Array.from({ length: 1_200 }, (_, i) => `plans(x: "${i.toString(36).padStart(8, 'q')}")`).join(' ')} }`,
};
const ATTACK = process.env.BENCH_ATTACK ?? 'repeat';
const STALL = ATTACKS[ATTACK];
const VICTIM_QUERY = '{ plans { code name } }';
process.env.APOLLO_TELEMETRY_DISABLED = '1';

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (x: number) => Math.round(x * 10) / 10;

/** The victim's latencies over `ms`, one request at a time. */
async function victim(url: string, key: string, ms: number): Promise<number[]> {
  const times: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const started = performance.now();
    await post(url, VICTIM_QUERY, undefined, key);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * The attackers run on their own thread, as outside clients would: their
 * requests' client side does not weigh on the event loop that is measured.
 */
const ATTACKERS_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const statuses = {};
let done = false;
parentPort.on('message', () => { done = true; });
const body = JSON.stringify({ query: workerData.query });
async function attack() {
  while (!done) {
    let outcome;
    try {
      const response = await fetch(workerData.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
      outcome = response.status;
    } catch (error) {
      outcome = (error.cause && error.cause.code) || 'failed';
    }
    statuses[outcome] = (statuses[outcome] || 0) + 1;
  }
}
Promise.all(Array.from({ length: workerData.attackers }, attack)).then(() => parentPort.postMessage(statuses));
`;

function startAttackers(url: string): { stop: () => Promise<Record<string, number>> } {
  const thread = new Worker(ATTACKERS_THREAD, { eval: true, workerData: { url, query: STALL, attackers: ATTACKERS } });
  const answered = new Promise<Record<string, number>>((resolve, reject) => {
    thread.once('message', (statuses: Record<string, number>) => resolve(statuses));
    thread.once('error', reject);
  });
  return {
    stop: async () => {
      thread.postMessage('stop');
      const statuses = await answered;
      await thread.terminate();
      return statuses;
    },
  };
}

async function main(): Promise<void> {
  if (!STALL) throw new Error(`BENCH_ATTACK must be one of ${Object.keys(ATTACKS).join(', ')}`);
  const scratch = await createBenchDatabase('stall', { FLUXO_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000000' });
  const { config } = scratch;
  const controlPlane = createDatabase<ControlPlaneDB>(config.databaseUrl, { max: 2 });
  let stop: (() => Promise<void>) | undefined;
  try {
    await migrateGlobal(controlPlane);
    const adminToken = generateAdminToken();
    const stack = await startStack({
      config,
      logger: createLogger('bench', 'silent'),
      keys: generateContextKeyPair(),
      adminToken,
      gatewayPort: 0,
      subgraphPort: () => 0,
      sandbox: false,
    });
    stop = stack.stop;
    const url = stack.gateway.url;
    const { key } = await subscribeCompany(url, adminToken, 'Bench Victim', ['ASSETS']);
    await victim(url, key, 1_000); // warm-up

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const alone = await victim(url, key, 3_000);
    loop.disable();
    const aloneLoop = loop.percentile(99) / 1e6;

    loop.reset();
    loop.enable();
    const attackers = startAttackers(url);
    const attacked = await victim(url, key, SECONDS * 1_000);
    const statuses = await attackers.stop();
    loop.disable();
    const attackLoop = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };

    const a = [...alone].sort((x, y) => x - y);
    const b = [...attacked].sort((x, y) => x - y);
    console.log(
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `attack: ${ATTACK}, ${STALL.length} characters, ${ATTACKERS} attackers, ${SECONDS} s; attackers' answers by status: ${JSON.stringify(statuses)}\n`,
    );
    console.log('| victim | requests | p50 ms | p99 ms | max ms | event loop delay p99 ms |\n|---|---:|---:|---:|---:|---:|');
    console.log(`| alone | ${a.length} | ${round(percentile(a, 50))} | ${round(percentile(a, 99))} | ${round(a[a.length - 1]!)} | ${round(aloneLoop)} |`);
    console.log(
      `| under attack | ${b.length} | ${round(percentile(b, 50))} | ${round(percentile(b, 99))} | ${round(b[b.length - 1]!)} | ${round(attackLoop.p99)} (p50 ${round(attackLoop.p50)}, max ${round(attackLoop.max)}) |`,
    );
    if (attackLoop.p99 >= 50) process.exitCode = 1;
  } finally {
    await stop?.();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

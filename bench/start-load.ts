import './production';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { post, subscribeCompany } from './gateway';
import { freePort } from '../platform/listen';

/**
 * 200 concurrent clients against `npm start` (the built product: embedded
 * PostgreSQL, gateway, subgraphs, worker) sending one small authenticated query.
 *
 *   npm run build && npx tsx bench/start-load.ts
 *   BENCH_ROOT=/path/to/other/checkout npx tsx bench/start-load.ts   # its dist/, e.g. the code before a change
 *
 * BENCH_CONNECTIONS (200), BENCH_SECONDS (20), BENCH_WARMUP_SECONDS (5).
 */
const ROOT = path.resolve(process.env.BENCH_ROOT ?? path.join(__dirname, '..'));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
/** Served by the access subgraph after the gateway verified the key: the smallest authenticated round trip. */
const QUERY = '{ me { company { slug name } } }';

async function startProduct(dataDir: string): Promise<{ child: ChildProcess; gatewayUrl: string; adminToken: string }> {
  const entry = path.join(ROOT, 'dist', 'cli', 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build in ${ROOT}`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLUXO_DATA_DIR: dataDir,
    PORT: String(port),
    FLUXO_EMBEDDED_PG_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    FLUXO_RATE_LIMIT_PER_MINUTE: '100000000',
    // The bench measures serving, not the per-key cost budget (which would answer most of it with 429).
    FLUXO_COST_CAPACITY: '100000000',
    FLUXO_COST_REFILL_PER_SECOND: '100000000',
  };
  delete env.DATABASE_URL;
  for (const name of ['ACCESS', 'ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL']) env[`FLUXO_${name}_PORT`] = String(await freePort());
  const child = spawn(process.execPath, [entry, 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`no banner within 180 s:\n${output}`)), 180_000);
    child.once('exit', (code) => reject(new Error(`fluxo start exited with ${code}:\n${output}`)));
    const poll = setInterval(() => {
      if (!output.includes('Press Ctrl-C to stop.')) return;
      clearInterval(poll);
      clearTimeout(deadline);
      resolve();
    }, 100);
  });
  const adminToken = /admin token\s+(fluxo_admin_\S+)/.exec(output)?.[1];
  if (!adminToken) throw new Error(`no admin token in the banner:\n${output}`);
  return { child, gatewayUrl: `http://127.0.0.1:${port}/graphql`, adminToken };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function load(
  url: string,
  key: string,
  seconds: number,
): Promise<{ rps: number; p50: number; p95: number; p99: number; requests: number; failed: number }> {
  const latencies: number[] = [];
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url,
      method: 'POST',
      connections: CONNECTIONS,
      duration: seconds,
      timeout: 30,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: QUERY }),
      // A 200 that carries GraphQL errors is a failure too.
      verifyBody: (body) => typeof body === 'string' && body.includes('"slug"') && !body.includes('"errors"'),
    },
    (error, result) => (error ? fail(error as Error) : finish(result)),
  );
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await done;
  latencies.sort((a, b) => a - b);
  return {
    rps: result.requests.total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    requests: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts + result.mismatches,
  };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-start-load-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must enter this folder.
  fs.chmodSync(dataDir, 0o755);
  const product = await startProduct(dataDir);
  try {
    const company = await subscribeCompany(product.gatewayUrl, product.adminToken, 'Load Co', ['EMPLOYEES']);
    await post(product.gatewayUrl, QUERY, undefined, company.key);
    await load(product.gatewayUrl, company.key, WARMUP_SECONDS);
    const r = await load(product.gatewayUrl, company.key, SECONDS);
    console.log(`root ${ROOT}: ${CONNECTIONS} clients, ${SECONDS} s, query ${QUERY}`);
    console.log(
      `requests/s ${r.rps.toFixed(1)}  p50 ${r.p50.toFixed(0)} ms  p95 ${r.p95.toFixed(0)} ms  p99 ${r.p99.toFixed(0)} ms  (${r.requests} requests, ${r.failed} failed)`,
    );
  } finally {
    product.child.kill('SIGTERM');
    await new Promise((resolve) => product.child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

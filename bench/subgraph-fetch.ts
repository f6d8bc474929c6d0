import './production';
import { spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../app/stack';
import { generateAdminToken } from '../platform/access-key-format';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { ShardDirectory } from '../platform/shards';
import { CONTEXT_HEADER, generateContextKeyPair } from '../platform/tenant-context';
import { post, subscribeCompany } from './gateway';
import { seedListingData } from './listing-data';
import { createBenchDatabase } from './scratch-database';

/**
 * The subgraphs' CPU per fetch, with nothing else in their process at work:
 * the gateway (in this process, idle while measuring) answers each query once
 * while its subgraph requests are recorded — URL, headers with the signed
 * context, body — and autocannon, as a process of its own, then replays each
 * recorded fetch straight at its subgraph. CPU per fetch is this process's
 * CPU time over the window divided by the fetches answered.
 *
 *   npx tsx bench/subgraph-fetch.ts
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/subgraph-fetch.ts   # the subgraphs' profile
 *
 * BENCH_CONNECTIONS (10), BENCH_SECONDS (8; a recorded context is valid 30 s), BENCH_ROUNDS (3, median),
 * BENCH_EMPLOYEES (2,000), BENCH_ASSETS (5,000).
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 2_000);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 5_000);

const QUERIES: Record<string, string> = {
  Q1: '{ employees(first: 20) { edges { node { id employeeNumber firstName lastName email status hireDate } } } }',
  Q2: '{ employees(first: 20) { edges { node { id employeeNumber firstName lastName email status hireDate department { id name } assets { id tag name status } } } } }',
};

interface Recorded {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** undici announces each request it creates; the gateway's subgraph fetches go through it. */
function recordFetches(into: Recorded[]): () => void {
  const channel = diagnostics.channel('undici:request:create');
  const listener = (message: unknown): void => {
    const request = (message as { request: { origin: string; path: string; headers: string[] | string; body: unknown } }).request;
    const headers: Record<string, string> = {};
    if (Array.isArray(request.headers))
      for (let i = 0; i < request.headers.length; i += 2) headers[request.headers[i]!.toLowerCase()] = request.headers[i + 1]!;
    else
      for (const line of request.headers.split('\r\n')) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
    if (!headers[CONTEXT_HEADER]) return;
    const body = typeof request.body === 'string' ? request.body : Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    into.push({ url: `${request.origin}${request.path}`, headers, body });
  };
  channel.subscribe(listener);
  return () => channel.unsubscribe(listener);
}

function replay(fetch: Recorded): Promise<{ requests: number; non2xx: number; p50: number; p99: number }> {
  const args = [
    '-j',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(SECONDS),
    '-m',
    'POST',
    '-b',
    fetch.body,
    ...Object.entries(fetch.headers)
      .filter(([name]) => !['content-length', 'host', 'connection'].includes(name))
      .flatMap(([name, value]) => ['-H', `${name}=${value}`]),
    fetch.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(__dirname, '..', 'node_modules', '.bin', 'autocannon'), args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        const result = JSON.parse(out) as { requests: { total: number }; non2xx: number; latency: { p50: number; p99: number } };
        resolve({ requests: result.requests.total, non2xx: result.non2xx, p50: result.latency.p50, p99: result.latency.p99 });
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('subgraph_fetch', { FLUXO_RATE_LIMIT_PER_MINUTE: '100000000' });
  const controlPlane = createDatabase<ControlPlaneDB>(scratch.config.databaseUrl, { max: 1 });
  await migrateGlobal(controlPlane);
  const adminToken = generateAdminToken();
  const stack = await startStack({
    config: scratch.config,
    logger: createLogger('bench', 'silent'),
    keys: generateContextKeyPair(),
    sessionKeys: generateContextKeyPair(),
    adminToken,
    gatewayPort: 0,
    subgraphPort: () => 0,
    sandbox: false,
  });
  try {
    const company = await subscribeCompany(stack.gateway.url, adminToken, 'Bench Subgraph Fetch', ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL']);
    const tenant = await controlPlane.selectFrom('tenant').selectAll().where('company_id', '=', company.companyId).executeTakeFirstOrThrow();
    const tenantDb = createDatabase<unknown>(new ShardDirectory(scratch.config.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 2 });
    await seedListingData(tenantDb, { employees: EMPLOYEES, assets: ASSETS });
    await tenantDb.destroy();
    const subgraphOf = new Map(stack.subgraphs.map((s) => [new URL(s.url).port, s.name]));

    console.log(
      `${EMPLOYEES} employees, ${ASSETS} assets; ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s; node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} at start`,
    );
    console.log('| query | fetch | subgraph | fetches/s | p50 ms | p99 ms | non-2xx | subgraph CPU ms per fetch |');
    console.log('|---|---:|---|---:|---:|---:|---:|---:|');
    for (const [name, query] of Object.entries(QUERIES)) {
      const fetchCount = await (async () => {
        const recorded: Recorded[] = [];
        const stop = recordFetches(recorded);
        await post(stack.gateway.url, query, undefined, company.key);
        stop();
        return recorded.length;
      })();
      for (let f = 0; f < fetchCount; f += 1) {
        const rates: number[] = [];
        const cpus: number[] = [];
        let last = { p50: 0, p99: 0, non2xx: 0 };
        let url = '';
        for (let round = 0; round < ROUNDS; round += 1) {
          // A fresh recording each round: the signed context in it is valid for 30 s.
          const recorded: Recorded[] = [];
          const stop = recordFetches(recorded);
          await post(stack.gateway.url, query, undefined, company.key);
          stop();
          const fetch = recorded[f]!;
          url = fetch.url;
          const before = process.cpuUsage();
          const result = await replay(fetch);
          const cpu = process.cpuUsage(before);
          rates.push(result.requests / SECONDS);
          cpus.push((cpu.user + cpu.system) / 1000 / Math.max(1, result.requests));
          last = result;
        }
        console.log(
          `| ${name} | ${f + 1} of ${fetchCount} | ${subgraphOf.get(new URL(url).port) ?? url} | ${median(rates).toFixed(0)} | ${last.p50} | ${last.p99} | ${last.non2xx} | ${median(cpus).toFixed(3)} |`,
        );
      }
    }
    console.log(`load ${os.loadavg()[0]!.toFixed(1)} at the end`);
  } finally {
    await stack.stop();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

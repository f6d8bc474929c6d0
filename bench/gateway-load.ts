import './production';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startStack } from '../app/stack';
import { generateAdminToken } from '../platform/access-key-format';
import { freePort } from '../platform/listen';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { ShardDirectory } from '../platform/shards';
import { exportKeyPairPem, generateContextKeyPair } from '../platform/tenant-context';
import { issueKey, post, subscribeCompany } from './gateway';
import { seedListingData } from './listing-data';
import { createBenchDatabase } from './scratch-database';

/**
 * Requests per second and latency of the gateway alone: the subgraphs run in
 * this process (started once), the gateway as its own process
 * (`gateway/main.ts`, production mode, logging at info to a file) so that its
 * CPU profile is its own. Two operations: `me` (the access subgraph only) and
 * the contract's Overview (ten fetches across the five subgraphs). Each runs
 * with every connection on one key (identical requests in flight together)
 * and with a key per connection (nothing identical in flight).
 *
 *   npx tsx bench/gateway-load.ts
 *   BENCH_PROFILE=/tmp/prof npx tsx bench/gateway-load.ts     # also write the gateway's --cpu-prof there
 *
 * BENCH_CONNECTIONS (10), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), BENCH_SCENARIOS (all; names separated by ;),
 * BENCH_EMPLOYEES and BENCH_ASSETS (2,000 and 5,000: the company's data, bulk-written as bench/listing.ts does).
 *
 * The subgraphs' CPU per request is this process's CPU time over the measured
 * window divided by the requests answered: the subgraphs are all that works in
 * it then (autocannon's own share is small but included, so it is an upper
 * bound). `node --cpu-prof --import tsx bench/gateway-load.ts` profiles them.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const MODULES = ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'];
const ME = '{ me { company { slug name } modules } }';
const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 2_000);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 5_000);
/** A page of employees, scalars only: one fetch to the employees subgraph. */
const Q1 = '{ employees(first: 20) { edges { node { id employeeNumber firstName lastName email status hireDate } } } }';
/** Q1 with each employee's department and the assets they hold: employees, then assets. */
const Q2 =
  '{ employees(first: 20) { edges { node { id employeeNumber firstName lastName email status hireDate department { id name } assets { id tag name status } } } } }';
const OVERVIEW = fs.readFileSync(path.join(__dirname, '..', 'operations', 'contract', 'overview.graphql'), 'utf8');

interface Scenario {
  name: string;
  query: string;
  /** One key for every connection, or a key per connection. */
  sharedKey: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'employees page (Q1), one key', query: Q1, sharedKey: true },
  { name: 'employees page (Q1), key per connection', query: Q1, sharedKey: false },
  { name: 'employees with assets (Q2), one key', query: Q2, sharedKey: true },
  { name: 'employees with assets (Q2), key per connection', query: Q2, sharedKey: false },
  { name: 'me, one key', query: ME, sharedKey: true },
  { name: 'me, key per connection', query: ME, sharedKey: false },
  { name: 'overview, one key', query: OVERVIEW, sharedKey: true },
  { name: 'overview, key per connection', query: OVERVIEW, sharedKey: false },
];

/** When the gateway process was started: its profile's clock begins about then. */
let spawnedAt = 0;

async function startGatewayProcess(env: NodeJS.ProcessEnv, logFile: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const profile = process.env.BENCH_PROFILE;
  const args = [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), '--import', 'tsx', path.join(__dirname, '..', 'gateway', 'main.ts')];
  const log = fs.openSync(logFile, 'w');
  spawnedAt = Date.now();
  const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', log, 'inherit'] });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}: see ${logFile}`);
    const ready = await fetch(url.replace(/\/graphql$/, '/health')).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, url };
    if (Date.now() > deadline) throw new Error(`the gateway did not start within 60 s: see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function load(url: string, scenario: Scenario, keys: readonly string[], seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: scenario.query }),
    setupClient: (client) => {
      const key = scenario.sharedKey ? keys[0]! : keys[next++ % keys.length]!;
      client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
    },
  });
}

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('gateway', {
    FLUXO_RATE_LIMIT_PER_MINUTE: '100000000',
    FLUXO_COST_CAPACITY: '1000000000',
    FLUXO_COST_REFILL_PER_SECOND: '100000000',
  });
  const controlPlane = createDatabase<ControlPlaneDB>(scratch.config.databaseUrl, { max: 1 });
  await migrateGlobal(controlPlane);
  await controlPlane.destroy();
  const keys = generateContextKeyPair();
  const adminToken = generateAdminToken();
  const stack = await startStack({
    config: scratch.config,
    logger: createLogger('bench', 'silent'),
    keys,
    sessionKeys: generateContextKeyPair(),
    adminToken,
    gatewayPort: 0,
    subgraphPort: () => 0,
    sandbox: false,
  });
  let gateway: ChildProcess | undefined;
  try {
    const company = await subscribeCompany(stack.gateway.url, adminToken, 'Bench Gateway', MODULES);
    if (EMPLOYEES > 0 || ASSETS > 0) {
      const cp = createDatabase<ControlPlaneDB>(scratch.config.databaseUrl, { max: 1 });
      const tenant = await cp.selectFrom('tenant').selectAll().where('company_id', '=', company.companyId).executeTakeFirstOrThrow();
      await cp.destroy();
      const tenantDb = createDatabase<unknown>(new ShardDirectory(scratch.config.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 2 });
      await seedListingData(tenantDb, { employees: EMPLOYEES, assets: ASSETS });
      await tenantDb.destroy();
    }
    const secrets = [company.key];
    for (let i = 1; i < CONNECTIONS; i += 1) secrets.push(await issueKey(stack.gateway.url, adminToken, company.companyId, MODULES, `connection ${i}`));

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: scratch.config.databaseUrl,
      FLUXO_ADMIN_TOKEN: adminToken,
      FLUXO_CONTEXT_PRIVATE_KEY: exportKeyPairPem(keys).privateKeyPem,
      FLUXO_RATE_LIMIT_PER_MINUTE: '100000000',
      FLUXO_COST_CAPACITY: '1000000000',
      FLUXO_COST_REFILL_PER_SECOND: '100000000',
      APOLLO_TELEMETRY_DISABLED: '1',
    };
    for (const s of stack.subgraphs) env[`FLUXO_${s.name.toUpperCase()}_URL`] = s.url;
    const logFile = path.join(process.env.BENCH_PROFILE ?? '/tmp', `fluxo-bench-gateway-${process.pid}.log`);
    const started = await startGatewayProcess(env, logFile);
    gateway = started.child;
    for (const query of [ME, Q1, Q2, OVERVIEW]) await post(started.url, query, undefined, company.key); // fails loudly if the stack cannot serve it

    const wanted = process.env.BENCH_SCENARIOS?.split(';').map((s) => s.trim());
    console.log(`gateway ${started.url}, ${CONNECTIONS} connections, ${SECONDS} s per scenario after ${WARMUP_SECONDS} s warm-up (Node ${process.version})`);
    console.log(`${EMPLOYEES} employees, ${ASSETS} assets; load average ${os.loadavg()[0]!.toFixed(1)} at start`);
    console.log('| scenario | requests/s | p50 ms | p99 ms | non-2xx | subgraph CPU ms per request |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const scenario of SCENARIOS.filter((s) => !wanted || wanted.includes(s.name))) {
      await load(started.url, scenario, secrets, WARMUP_SECONDS);
      const from = (Date.now() - spawnedAt) / 1000;
      const cpuBefore = process.cpuUsage();
      const result = await load(started.url, scenario, secrets, SECONDS);
      const cpu = process.cpuUsage(cpuBefore);
      const subgraphMs = (cpu.user + cpu.system) / 1000 / Math.max(1, result.requests.total);
      if (process.env.BENCH_PROFILE) console.log(`(profile window of this scenario: ${from.toFixed(1)} to ${((Date.now() - spawnedAt) / 1000).toFixed(1)} s)`);
      console.log(
        `| ${scenario.name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ${subgraphMs.toFixed(2)} |`,
      );
    }
    const exited = new Promise((resolve) => gateway!.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
    gateway = undefined;
    const lines = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"operation served"')).length;
    console.log(`gateway log: ${lines} "operation served" lines in ${logFile}`);
  } finally {
    gateway?.kill('SIGKILL');
    await stack.stop();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

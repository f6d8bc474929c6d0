import './production';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { startStack } from '../app/stack';
import { generateAdminToken } from '../platform/access-key-format';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { freePort } from '../platform/listen';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { exportKeyPairPem, generateContextKeyPair } from '../platform/tenant-context';
import { post, subscribeCompany } from './gateway';
import { createBenchDatabase } from './scratch-database';

/**
 * What the response cache saves on a hit: the employee directory's first page
 * (20 employees with their departments, one fetch to the employees subgraph)
 * through a gateway process of its own, with FLUXO_RESPONSE_CACHE off (every
 * request executed) and on (every request after the first a hit). Subgraphs
 * run in this process; one key, `BENCH_CONNECTIONS` connections.
 *
 *   npx tsx bench/response-cache.ts
 *
 * BENCH_CONNECTIONS (10), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3).
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const DIRECTORY = '{ employees(first: 20) { totalCount edges { node { id employeeNumber fullName email hireDate status department { name } } } } }';
const HIRE = 'mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { userErrors { code } } }';

async function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'gateway', 'main.ts')], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    const ready = await fetch(url.replace(/\/graphql$/, '/health')).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, url };
    if (Date.now() > deadline) throw new Error('the gateway did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function load(url: string, key: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: DIRECTORY }),
  });
}

async function main(): Promise<void> {
  const limits = { FLUXO_RATE_LIMIT_PER_MINUTE: '100000000', FLUXO_COST_CAPACITY: '1000000000', FLUXO_COST_REFILL_PER_SECOND: '100000000' };
  const scratch = await createBenchDatabase('response_cache', limits);
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
    const company = await subscribeCompany(stack.gateway.url, adminToken, 'Bench Cache', ['EMPLOYEES']);
    for (let i = 0; i < 20; i += 1) {
      const input = { firstName: 'Bench', lastName: `Person${i}`, email: `bench${i}@cache.example`, hireDate: '2026-01-05' };
      await post(stack.gateway.url, HIRE, { input }, company.key);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...limits,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: scratch.config.databaseUrl,
      FLUXO_ADMIN_TOKEN: adminToken,
      FLUXO_CONTEXT_PRIVATE_KEY: exportKeyPairPem(keys).privateKeyPem,
      APOLLO_TELEMETRY_DISABLED: '1',
    };
    for (const s of stack.subgraphs) env[`FLUXO_${s.name.toUpperCase()}_URL`] = s.url;
    console.log(`directory page of 20, one key, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up (Node ${process.version})`);
    console.log('| FLUXO_RESPONSE_CACHE | requests/s | p50 ms | p99 ms | non-2xx |');
    console.log('|---|---:|---:|---:|---:|');
    for (const cache of ['0', '1']) {
      const started = await startGatewayProcess({ ...env, FLUXO_RESPONSE_CACHE: cache });
      gateway = started.child;
      await post(started.url, DIRECTORY, undefined, company.key);
      await load(started.url, company.key, WARMUP_SECONDS);
      const result = await load(started.url, company.key, SECONDS);
      console.log(
        `| ${cache === '1' ? 'on (hits)' : 'off'} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} |`,
      );
      const exited = new Promise((resolve) => gateway!.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
      gateway = undefined;
    }
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

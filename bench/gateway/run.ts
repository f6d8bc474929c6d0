/**
 * Our gateway side by side with a plain Apollo gateway, Hive Gateway (Rust
 * query planner) with and without its in-flight deduplication, and a floor
 * that makes only the subgraph fetches of our query plan (issue 17).
 *
 *   npm run bench:gateway                                   (installs bench/gateway's packages when missing)
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3 npx tsx bench/gateway/run.ts
 *
 * The five subgraphs run as their own processes (`subgraphs/<name>/main.ts`,
 * production mode) pinned to core 0, on a scratch database (PostgreSQL at
 * DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432) holding two
 * companies of BENCH_EMPLOYEES (2,000) employees and BENCH_ASSETS (5,000)
 * assets each. Every contender is its own process pinned to core 1:
 *
 *   A   gateway/main.ts as shipped: keys, signed context, limits, shared queries, deduplication, the
 *       response cache, logs at info to a file
 *   A0  A with its response cache off (FLUXO_RESPONSE_CACHE=0)
 *   B   a plain @apollo/gateway (bench/gateway/apollo-gateway.ts) adding the signed context
 *   C   Hive Gateway with the Rust planner (bench/gateway/hive-gateway.ts) adding the signed context
 *   C2  C with its in-flight deduplication off
 *   F   the floor (bench/gateway/floor.ts): our plan's subgraph fetches, no gateway
 *
 * First every contender's answers are compared (generatedAt left out). Then, in
 * BENCH_ROUNDS rounds (3) of every query × contender in turn, autocannon sends
 * one query for BENCH_SECONDS (10) with BENCH_CONNECTIONS (10) connections on
 * the first company's key while BENCH_OTHER_CONNECTIONS (2) more send it on the
 * second company's key; every answer must hold its own company's data and none
 * of the other's. Figures are medians over the rounds; CPU per request is the
 * utime+stime growth of /proc/<pid>/stat over all requests of both companies.
 * BENCH_KEY_PER_CONNECTION=1 gives each connection its own key (nothing identical
 * in flight, so nothing to share). BENCH_WARMUP_SECONDS (2) warms each pair up once; BENCH_CONTENDERS (A,A0,B,C,C2,F)
 * and BENCH_QUERIES (Q1,Q2,Q3) choose; BENCH_HIVE_PLANNER=js runs C and C2 on
 * Hive's JavaScript planner instead of the Rust one.
 */
import '../production';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql, type Kysely } from 'kysely';
import { KeyVerifier } from '../../gateway/key-verifier';
import { generateAdminToken } from '../../platform/access-key-format';
import type { ControlPlaneDB } from '../../platform/control-plane';
import { createDatabase } from '../../platform/db';
import { freePort } from '../../platform/listen';
import { createLogger } from '../../platform/logger';
import { migrateGlobal } from '../../platform/migrations';
import { ShardDirectory } from '../../platform/shards';
import { exportKeyPairPem, generateContextKeyPair, type SignedCaller } from '../../platform/tenant-context';
import { issueKey, post, subscribeCompany } from '../gateway';
import { seedListingData } from '../listing-data';
import { BENCH_SERVER, createBenchDatabase, type BenchDatabase } from '../scratch-database';
import type { ContenderSettings } from './callers';

const ROOT = path.resolve(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const OTHER_CONNECTIONS = Number(process.env.BENCH_OTHER_CONNECTIONS ?? 2);
/** A key per connection: no two requests in flight are identical, so no gateway can share a fetch. */
const KEY_PER_CONNECTION = Boolean(process.env.BENCH_KEY_PER_CONNECTION);
const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 2000);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 5000);
const GATEWAY_CORE = process.env.BENCH_GATEWAY_CORE ?? '1';
const SUBGRAPH_CORE = process.env.BENCH_SUBGRAPH_CORE ?? '0';
const SUBGRAPHS = ['access', 'assets', 'employees', 'finance', 'payroll'];
const MODULES = ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'];
const LIMITS = { FLUXO_RATE_LIMIT_PER_MINUTE: '100000000', FLUXO_COST_CAPACITY: '1000000000', FLUXO_COST_REFILL_PER_SECOND: '100000000' };

const QUERIES: Record<string, string> = {
  Q1: 'query Q1 { employees(first: 20) { edges { node { id employeeNumber fullName email status hireDate } } } }',
  Q2: 'query Q2 { employees(first: 20) { edges { node { id employeeNumber fullName email status hireDate assets { id tag name status } department { id name } } } } }',
  Q3: fs.readFileSync(path.join(ROOT, 'operations', 'contract', 'overview.graphql'), 'utf8'),
};
/** A0 is A with its response cache off (FLUXO_RESPONSE_CACHE=0, on as shipped): every query executed. */
const CONTENDERS = ['A', 'A0', 'B', 'C', 'C2', 'F'] as const;
type Contender = (typeof CONTENDERS)[number];

interface Company {
  name: string;
  /** Its first key. */
  key: string;
  /** The keys its connections take in turn: the first alone, or one per connection with BENCH_KEY_PER_CONNECTION. */
  keys: string[];
  /** Strings only this company's answers hold: its slug, its e-mail domain, its asset and department name prefix. */
  markers: string[];
}

interface Service {
  name: string;
  child: ChildProcess;
  url: string;
}

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-gateway-bench-'));
const children: ChildProcess[] = [];

/** Starts a service pinned to a core and waits for its `fluxo:ready` message (platform/process.ts, callers.ts). */
async function startProcess(name: string, core: string, script: string, env: NodeJS.ProcessEnv): Promise<Service> {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'w');
  // BENCH_CPU_PROF=A,C: those processes write V8 CPU profiles (one per thread) into <log directory>/<name>-profiles when they stop.
  const profile = (process.env.BENCH_CPU_PROF?.split(',') ?? []).includes(name)
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(logDir, `${name}-profiles`)}`]
    : [];
  const child = spawn('taskset', ['-c', core, process.execPath, ...profile, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', log, log, 'ipc'],
  });
  fs.closeSync(log);
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s: see ${logDir}/${name}.log`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: see ${logDir}/${name}.log`)));
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message?.type !== 'fluxo:ready' || !message.url) return;
      clearTimeout(timer);
      resolve(message.url);
    });
  });
  child.removeAllListeners('exit');
  return { name, child, url };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU time (user + system, ms) a process has used so far. */
function cpuMillis(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Distinct data for the second company (the seeder writes the same rows for both): own e-mail domain and name prefixes. */
async function mark(db: Kysely<unknown>, tag: string): Promise<void> {
  await sql`UPDATE employees.employee SET email = replace(email, '@bench.example', ${`@${tag.toLowerCase()}.example`})`.execute(db);
  await sql`UPDATE employees.department SET name = ${`${tag} `} || name`.execute(db);
  await sql`UPDATE assets.asset SET name = ${`${tag} `} || name`.execute(db);
}

/** An answer's data and errors, with values that differ per request (the overview's generatedAt) replaced; extensions (our cost report) left out. */
function normalise(body: string): string {
  const { data, errors } = JSON.parse(body) as { data?: unknown; errors?: unknown };
  return JSON.stringify({ data, errors }, (key, value: unknown) => (key === 'generatedAt' ? '<generatedAt>' : value));
}

async function ask(url: string, query: string, key: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return response.text();
}

/** Whose data an answer holds: 'own', 'foreign' (any of the other company's markers), or 'bad' (errors, or none of its own). */
function classify(body: string, own: Company, other: Company): 'own' | 'foreign' | 'bad' {
  if (other.markers.some((m) => body.includes(m))) return 'foreign';
  if (body.includes('"errors"') || !own.markers.some((m) => body.includes(m))) return 'bad';
  return 'own';
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  foreign: number;
  gatewayCpu: number;
  subgraphCpu: number;
}

async function load(url: string, query: string, own: Company, other: Company, connections: number, seconds: number) {
  const counts = { foreign: 0, bad: 0 };
  let next = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: 30,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${own.key}` },
    body: JSON.stringify({ query }),
    setupClient: (client) => client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${own.keys[next++ % own.keys.length]}` }),
    verifyBody: (body) => {
      const verdict = classify(String(body ?? ''), own, other);
      if (verdict !== 'own') counts[verdict] += 1;
      return verdict === 'own';
    },
  });
  return { result, ...counts };
}

async function measure(
  url: string,
  gatewayPid: number,
  subgraphPids: number[],
  query: string,
  companies: [Company, Company],
  seconds: number,
): Promise<Sample> {
  const [one, two] = companies;
  const gatewayBefore = cpuMillis(gatewayPid);
  const subgraphsBefore = subgraphPids.reduce((sum, pid) => sum + cpuMillis(pid), 0);
  const [main, second] = await Promise.all([load(url, query, one, two, CONNECTIONS, seconds), load(url, query, two, one, OTHER_CONNECTIONS, seconds)]);
  const gatewayCpu = cpuMillis(gatewayPid) - gatewayBefore;
  const subgraphCpu = subgraphPids.reduce((sum, pid) => sum + cpuMillis(pid), 0) - subgraphsBefore;
  const requests = main.result.requests.total + second.result.requests.total;
  const failed = (r: autocannon.Result, bad: number) => r.non2xx + r.errors + r.timeouts + bad;
  return {
    rps: main.result.requests.total / seconds,
    p50: main.result.latency.p50,
    p99: main.result.latency.p99,
    errors: failed(main.result, main.bad) + failed(second.result, second.bad),
    foreign: main.foreign + second.foreign,
    gatewayCpu: gatewayCpu / Math.max(1, requests),
    subgraphCpu: subgraphCpu / Math.max(1, requests),
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  const wantedContenders = (process.env.BENCH_CONTENDERS?.split(',') ?? [...CONTENDERS]) as Contender[];
  const wantedQueries = process.env.BENCH_QUERIES?.split(',') ?? Object.keys(QUERIES);
  const loadBefore = os.loadavg();
  const scratch: BenchDatabase = await createBenchDatabase('gwside', LIMITS);
  const controlPlane = createDatabase<ControlPlaneDB>(scratch.config.databaseUrl, { max: 2 });
  const tenantDbs: Kysely<unknown>[] = [];
  try {
    await migrateGlobal(controlPlane);
    const keys = generateContextKeyPair();
    const pem = exportKeyPairPem(keys);
    const adminToken = generateAdminToken();
    // The settings createBenchDatabase gave this process, for the service processes.
    const shared: NodeJS.ProcessEnv = {
      DATABASE_URL: scratch.config.databaseUrl,
      FLUXO_SHARDS: `default=${BENCH_SERVER}`,
      FLUXO_DEFAULT_SHARD: 'default',
      FLUXO_TENANT_DB_PREFIX: `${scratch.name}_t_`,
      FLUXO_DATA_DIR: '/nonexistent',
      APOLLO_TELEMETRY_DISABLED: '1',
      ...LIMITS,
    };

    console.log(`starting the subgraphs (logs in ${logDir})`);
    const subgraphs: Service[] = [];
    for (const name of SUBGRAPHS) {
      subgraphs.push(
        await startProcess(name, SUBGRAPH_CORE, `subgraphs/${name}/main.ts`, {
          ...shared,
          LOG_LEVEL: 'warn',
          FLUXO_CONTEXT_PUBLIC_KEY: pem.publicKeyPem,
          [`FLUXO_${name.toUpperCase()}_PORT`]: String(await freePort()),
        }),
      );
    }
    const subgraphUrls = Object.fromEntries(subgraphs.map((s) => [s.name, s.url]));
    const gatewayEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
      ...shared,
      FLUXO_ADMIN_TOKEN: adminToken,
      FLUXO_CONTEXT_PRIVATE_KEY: pem.privateKeyPem,
      FLUXO_GATEWAY_PROCESSES: '1',
      HOST: '127.0.0.1',
      ...Object.fromEntries(subgraphs.map((s) => [`FLUXO_${s.name.toUpperCase()}_URL`, s.url])),
      ...extra,
    });

    // Setup through our gateway outside production, where it shows its query plans.
    const setup = await startProcess(
      'setup-gateway',
      GATEWAY_CORE,
      'gateway/main.ts',
      gatewayEnv({ NODE_ENV: 'development', FLUXO_EXPOSE_QUERY_PLAN: '1', LOG_LEVEL: 'warn', PORT: String(await freePort()) }),
    );
    const companies: Company[] = [];
    for (const tag of ['One', 'Two']) {
      const subscribed = await subscribeCompany(setup.url, adminToken, `Bench Side ${tag}`, MODULES);
      const tenant = await controlPlane.selectFrom('tenant').selectAll().where('company_id', '=', subscribed.companyId).executeTakeFirstOrThrow();
      const db = createDatabase<unknown>(new ShardDirectory(scratch.config.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 2 });
      tenantDbs.push(db);
      const started = Date.now();
      await seedListingData(db, { employees: EMPLOYEES, assets: ASSETS });
      await mark(db, tag);
      console.log(`${subscribed.slug}: ${EMPLOYEES} employees, ${ASSETS} assets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const keys = [subscribed.key];
      if (KEY_PER_CONNECTION) {
        const wanted = tag === 'One' ? CONNECTIONS : OTHER_CONNECTIONS;
        while (keys.length < wanted) keys.push(await issueKey(setup.url, adminToken, subscribed.companyId, MODULES, `connection ${keys.length}`));
      }
      companies.push({ name: tag, key: subscribed.key, keys, markers: [`"${subscribed.slug}"`, `@${tag.toLowerCase()}.example`, `"${tag} `] });
    }
    const pair: [Company, Company] = [companies[0]!, companies[1]!];

    // The callers our gateway makes of the two keys, for the contenders that only sign them.
    const verifier = new KeyVerifier(controlPlane, scratch.config.databaseUrl, createLogger('bench', 'silent'), {
      cacheTtlMillis: 0,
      lastUsedFlushMillis: 3_600_000,
      maxEntries: 10,
    });
    const callers: Record<string, SignedCaller> = {};
    for (const key of companies.flatMap((c) => c.keys)) {
      const principal = await verifier.verify(key);
      if (!principal) throw new Error('a key of the bench does not verify');
      callers[key] = {
        kind: principal.kind,
        keyId: principal.keyId,
        user: principal.owner,
        sessionId: null,
        clientAddress: '127.0.0.1',
        tenant: principal.tenant,
        modules: principal.modules,
        grants: principal.grants,
      };
    }

    // Our gateway's plan of each query, for the floor.
    const plans: Record<string, unknown> = {};
    for (const [name, query] of Object.entries(QUERIES)) {
      const response = await fetch(setup.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${pair[0].key}`,
          'apollo-query-plan-experimental': '1',
          'apollo-query-plan-experimental-format': 'internal',
        },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: unknown; extensions?: { __queryPlanExperimental?: unknown } };
      if (body.errors || !body.extensions?.__queryPlanExperimental) throw new Error(`no plan for ${name}: ${JSON.stringify(body.errors)}`);
      plans[query] = body.extensions.__queryPlanExperimental;
    }
    await post(setup.url, QUERIES.Q1!, undefined, pair[1].key);
    await stopProcess(setup.child);

    // The supergraph with this run's subgraph URLs, for the contenders that read it.
    const supergraphPath = path.join(logDir, 'supergraph.graphql');
    fs.writeFileSync(
      supergraphPath,
      fs
        .readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8')
        .replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (_all, name: string) => `@join__graph(name: "${name}", url: "${subgraphUrls[name]}")`),
    );
    const settingsFile = async (name: string, extra: Partial<ContenderSettings>): Promise<string> => {
      const settings: ContenderSettings = { port: await freePort(), supergraphPath, subgraphUrls, callers, contextPrivateKeyPem: pem.privateKeyPem, ...extra };
      const file = path.join(logDir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(settings));
      return file;
    };

    const gateways = new Map<Contender, Service>();
    for (const contender of wantedContenders) {
      let service: Service;
      if (contender === 'A' || contender === 'A0') {
        const cache = contender === 'A0' ? { FLUXO_RESPONSE_CACHE: '0' } : {};
        service = await startProcess(contender, GATEWAY_CORE, 'gateway/main.ts', gatewayEnv({ LOG_LEVEL: 'info', PORT: String(await freePort()), ...cache }));
      } else {
        const script = { B: 'apollo-gateway.ts', C: 'hive-gateway.ts', C2: 'hive-gateway.ts', F: 'floor.ts' }[contender];
        const file = await settingsFile(contender, contender === 'F' ? { plans } : contender === 'C2' ? { dedupe: false } : {});
        service = await startProcess(contender, GATEWAY_CORE, `bench/gateway/${script}`, { BENCH_CONTENDER_SETTINGS: file });
      }
      gateways.set(contender, { ...service, url: service.url.replace(/\/?$/, '').replace(/(\/graphql)?$/, '/graphql') });
    }

    // Same answers from every gateway (the floor keeps the plan's key fields, so only its companies are checked).
    let differences = 0;
    for (const queryName of wantedQueries) {
      for (const [i, company] of pair.entries()) {
        const reference = normalise(await ask(gateways.get(wantedContenders[0]!)!.url, QUERIES[queryName]!, company.key));
        for (const [contender, service] of gateways) {
          const body = await ask(service.url, QUERIES[queryName]!, company.key);
          const verdict = classify(body, company, pair[1 - i]!);
          const normalised = normalise(body);
          const same = contender === 'F' || normalised === reference;
          if (verdict !== 'own' || !same) {
            differences += 1;
            let at = 0;
            while (at < reference.length && reference[at] === normalised[at]) at += 1;
            const around = (text: string) => text.slice(Math.max(0, at - 120), at + 120);
            console.log(
              `${queryName} ${company.name} ${contender}: ${verdict}${same ? '' : `, differs from ${wantedContenders[0]} at ${at}:\n  ${around(normalised)}\n  ${around(reference)}`}`,
            );
          }
        }
      }
    }
    console.log(differences === 0 ? 'every contender gives the same answers, each with its own company only' : `${differences} answers differ (see above)`);

    // Which planner Hive Gateway really runs: the Rust one is a native addon in the process's memory map.
    for (const contender of ['C', 'C2'] as const) {
      const service = gateways.get(contender);
      if (!service) continue;
      const addon = /\S*hive_router_query_planner\S*\.node/.exec(fs.readFileSync(`/proc/${service.child.pid}/maps`, 'utf8'))?.[0];
      console.log(
        `${contender}: ${addon ? `Rust query planner loaded (${path.basename(addon)})` : "no Rust planner addon in its memory map: Hive's JavaScript planner"}`,
      );
    }
    const subgraphPids = subgraphs.map((s) => s.child.pid!);
    const samples = new Map<string, Sample[]>();
    console.log(`warm-up: ${WARMUP_SECONDS} s per contender and query`);
    for (const queryName of wantedQueries)
      for (const [, service] of gateways) await measure(service.url, service.child.pid!, subgraphPids, QUERIES[queryName]!, pair, WARMUP_SECONDS);
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const queryName of wantedQueries) {
        for (const [contender, service] of gateways) {
          const sample = await measure(service.url, service.child.pid!, subgraphPids, QUERIES[queryName]!, pair, SECONDS);
          const key = `${queryName} ${contender}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          console.log(
            `round ${round} ${key}: ${sample.rps.toFixed(0)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, errors ${sample.errors}, foreign ${sample.foreign}, gateway ${sample.gatewayCpu.toFixed(2)} ms CPU/req, subgraphs ${sample.subgraphCpu.toFixed(2)} ms CPU/req (load ${os.loadavg()[0]!.toFixed(2)})`,
          );
        }
      }
    }
    const loadAfter = os.loadavg();

    console.log(
      `\n${ROUNDS} rounds × ${SECONDS} s, ${CONNECTIONS} connections (company one) + ${OTHER_CONNECTIONS} (company two) on ${KEY_PER_CONNECTION ? 'a key per connection' : 'one key per company'}, ${EMPLOYEES} employees and ${ASSETS} assets per company, Node ${process.version}, ${os.cpus().length} cores, load average ${loadBefore[0]!.toFixed(2)} before, ${loadAfter[0]!.toFixed(2)} (1 min) / ${loadAfter[1]!.toFixed(2)} (5 min) after\n`,
    );
    console.log('| query | contender | requests/s | p50 ms | p99 ms | errors | foreign answers | gateway CPU ms/request | subgraph CPU ms/request |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const queryName of wantedQueries) {
      for (const contender of gateways.keys()) {
        const s = samples.get(`${queryName} ${contender}`)!;
        const m = (pick: (x: Sample) => number, digits = 0) => median(s.map(pick)).toFixed(digits);
        const sum = (pick: (x: Sample) => number) => s.reduce((total, x) => total + pick(x), 0);
        console.log(
          `| ${queryName} | ${contender} | ${m((x) => x.rps)} | ${m((x) => x.p50)} | ${m((x) => x.p99)} | ${sum((x) => x.errors)} | ${sum((x) => x.foreign)} | ${m((x) => x.gatewayCpu, 2)} | ${m((x) => x.subgraphCpu, 2)} |`,
        );
      }
    }
    if (gateways.has('A') && gateways.has('C')) {
      console.log('\nGoal: A ≥ 1.2 × C and ≥ 1.5 × C2 requests/s on each query, and A’s gateway CPU per request ≤ C’s.');
      for (const queryName of wantedQueries) {
        const rps = (c: Contender) => median(samples.get(`${queryName} ${c}`)!.map((x) => x.rps));
        const cpu = (c: Contender) => median(samples.get(`${queryName} ${c}`)!.map((x) => x.gatewayCpu));
        const versusC2 = gateways.has('C2') ? `, A/C2 ${(rps('A') / rps('C2')).toFixed(2)}×` : '';
        console.log(
          `${queryName}: A/C requests/s ${(rps('A') / rps('C')).toFixed(2)}×${versusC2}, gateway CPU/request A ${cpu('A').toFixed(2)} ms vs C ${cpu('C').toFixed(2)} ms`,
        );
      }
    }
    if (gateways.has('A')) {
      const served = fs
        .readFileSync(path.join(logDir, 'A.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"operation served"')).length;
      console.log(`A's log: ${served} "operation served" lines in ${logDir}/A.log`);
    }
  } finally {
    for (const child of children.reverse()) await stopProcess(child);
    for (const db of tenantDbs) await db.destroy();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  },
);

/**
 * Live updates fan-out: BENCH_CLIENTS clients hold a stream open on one
 * gateway (its own process, as deployed), and the worker's recording of a
 * public event (insert into public_event and NOTIFY, one transaction: the
 * worker's own code) is timed from its commit to each client's receipt of
 * the event. Events are recorded one at a time, the next once every client
 * has the last, so the figures are latency, not queueing.
 *
 *   npm run bench:sse
 *   BENCH_CLIENTS=200 BENCH_EVENTS=50 npx tsx bench/sse-fanout.ts
 *
 * Settings (environment): DATABASE_URL (a PostgreSQL server; a scratch control
 * plane is created on it and dropped after), BENCH_CLIENTS (1000),
 * BENCH_EVENTS (200), BENCH_WARMUP (10 events not counted), BENCH_PROF (set:
 * the gateway's process writes a CPU profile to /tmp/prof).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { generateAdminToken } from '../platform/access-key-format';
import type { ControlPlaneDB } from '../platform/control-plane';
import { loadConfig } from '../platform/config';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { ServiceRuntime } from '../platform/runtime';
import { generateContextKeyPair } from '../platform/tenant-context';
import { startGateway } from '../gateway/server';
import { buildEvent } from '../subgraphs/contracts/event';
import { PayRunCreated } from '../subgraphs/contracts/payroll';
import { inControlPlaneTransaction } from '../subgraphs/access/mutation';
import { approveSubscriptionRequest } from '../subgraphs/access/provisioning/approve-subscription';
import { requestSubscription } from '../subgraphs/access/services/subscription-requests';
import { accessDeps } from '../subgraphs/access/subgraph';
import { recordPublicEvent } from '../worker/public-events';
import { createBenchDatabase, type BenchDatabase } from './scratch-database';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const logger = createLogger('bench', 'silent');

const QUERY = 'subscription { events { id type ... on PayRunStateChanged { payRunId status } } }';

/** The gateway's process: started by the bench with the scratch database's settings, it prints its port. */
async function runGateway(): Promise<void> {
  const url = process.env.BENCH_CONTROL_PLANE!;
  const config = loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const controlPlane = createDatabase<ControlPlaneDB>(url, { max: 4 });
  const gateway = await startGateway({
    port: 0,
    supergraphPath: config.gateway.supergraphPath,
    manifestPath: config.gateway.manifestPath,
    subgraphUrls: {},
    controlPlane,
    controlPlaneUrl: url,
    contextPrivateKey: generateContextKeyPair().privateKey,
    sessionPublicKey: null,
    adminToken: generateAdminToken(),
    sandbox: false,
    // Every client uses the same key: its per-minute budget would refuse most of them.
    limits: { ...config.gateway.limits, perKeyPerMinute: 1_000_000 },
    subgraphFaults: config.gateway.subgraphFaults,
    keyCacheTtlMillis: 60_000,
    logger,
  });
  process.stdout.write(`${JSON.stringify({ url: gateway.url })}\n`);
  process.on('SIGTERM', () => {
    void gateway
      .stop()
      .then(() => controlPlane.destroy())
      .then(() => process.exit(0));
  });
}

function startGatewayProcess(controlPlaneUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', __filename], {
    env: { ...process.env, BENCH_SSE_ROLE: 'gateway', BENCH_CONTROL_PLANE: controlPlaneUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ url: (JSON.parse(line!) as { url: string }).url, child });
    });
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before listening`)));
  });
}

/** A client holding a stream open (node:http: lighter than fetch's web streams, so the bench measures the gateway); `onEvent` hears each event's id. */
function connect(url: string, secret: string, agent: http.Agent, onEvent: (id: string) => void): Promise<http.ClientRequest> {
  const body = JSON.stringify({ query: QUERY });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/stream`,
      {
        method: 'POST',
        agent,
        headers: {
          accept: 'text/event-stream',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${secret}`,
        },
      },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream refused: ${res.statusCode}`));
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.indexOf('\ndata: ');
            if (!block.includes('event: next') || data === -1) continue;
            const parsed = JSON.parse(block.slice(data + 7)) as { data: { events: { id: string } } };
            onEvent(parsed.data.events.id);
          }
        });
        res.on('error', () => undefined);
        resolve(req);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function subscribeCompany(scratch: BenchDatabase): Promise<{ companyId: string; secret: string }> {
  const runtime = new ServiceRuntime(scratch.config, logger);
  try {
    const operator = { kind: 'ADMIN' as const, id: null, requestId: 'bench' };
    const deps = accessDeps(runtime);
    const { request } = await inControlPlaneTransaction(deps.controlPlane, operator, 'requestSubscription', (trx, a) =>
      requestSubscription(trx, { companyName: 'Live Bench', contactEmail: 'bench@example.com', modules: ['PAYROLL'], planCode: null }, a),
    );
    const approved = await approveSubscriptionRequest(deps, request.id, operator);
    return { companyId: approved.company.id, secret: approved.secret };
  } finally {
    await runtime.close();
  }
}

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('sse');
  const controlPlane = createDatabase<ControlPlaneDB>(scratch.config.databaseUrl, { max: 2 });
  let gateway: ChildProcess | undefined;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams: http.ClientRequest[] = [];
  try {
    await migrateGlobal(controlPlane);
    const { companyId, secret } = await subscribeCompany(scratch);
    const started = await startGatewayProcess(scratch.config.databaseUrl);
    gateway = started.child;

    const received = new Map<string, number[]>();
    let waiting: { id: string; resolve: () => void } | null = null;
    const onEvent = (id: string) => {
      const at = performance.timeOrigin + performance.now();
      const times = received.get(id);
      if (!times) return;
      times.push(at);
      if (waiting?.id === id && times.length === CLIENTS) waiting.resolve();
    };
    const connectStarted = performance.now();
    for (let i = 0; i < CLIENTS; i += 100) {
      const batch = Array.from({ length: Math.min(100, CLIENTS - i) }, () => connect(started.url, secret, agent, onEvent));
      streams.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;

    /** From the commit's acknowledgement to the writer (a lower bound of commit → received). */
    const latencies: number[] = [];
    /** From the start of the recording transaction (an upper bound). */
    const fromBegin: number[] = [];
    const lastClient: number[] = [];
    for (let n = 0; n < WARMUP + EVENTS; n += 1) {
      const event = buildEvent(PayRunCreated, { payRunId: randomUUID(), periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-30' });
      const id = randomUUID();
      received.set(id, []);
      const all = new Promise<void>((resolve) => (waiting = { id, resolve }));
      const deadline = setTimeout(() => waiting?.resolve(), 30_000);
      const begun = performance.timeOrigin + performance.now();
      await recordPublicEvent(controlPlane, companyId, { ...event, id, source: 'PAYROLL', occurredAt: new Date(), requestId: null });
      const committed = performance.timeOrigin + performance.now();
      await all;
      clearTimeout(deadline);
      const times = received.get(id)!;
      received.delete(id);
      if (times.length < CLIENTS) throw new Error(`event ${n}: ${times.length} of ${CLIENTS} clients received it within 30 s`);
      if (n < WARMUP) continue;
      // The commit happens between the two: a client may even read the event before the writer hears the acknowledgement (counted as 0).
      for (const at of times) {
        latencies.push(Math.max(0, at - committed));
        fromBegin.push(at - begun);
      }
      lastClient.push(Math.max(0, Math.max(...times) - committed));
    }
    latencies.sort((a, b) => a - b);
    fromBegin.sort((a, b) => a - b);
    lastClient.sort((a, b) => a - b);
    const ms = (v: number) => +v.toFixed(2);
    console.log(
      JSON.stringify({
        clients: CLIENTS,
        events: EVENTS,
        deliveries: latencies.length,
        connectSeconds: +connectSeconds.toFixed(2),
        latencyMs: { p50: ms(percentile(latencies, 50)), p99: ms(percentile(latencies, 99)), max: ms(latencies[latencies.length - 1]!) },
        fromTransactionStartMs: { p50: ms(percentile(fromBegin, 50)), p99: ms(percentile(fromBegin, 99)) },
        lastClientMs: { p50: ms(percentile(lastClient, 50)), p99: ms(percentile(lastClient, 99)) },
      }),
    );
  } finally {
    for (const s of streams) s.destroy();
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway!.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    agent.destroy();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

if (process.env.BENCH_SSE_ROLE === 'gateway') {
  void runGateway().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  void main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

/**
 * Webhook deliveries per second to a local receiver: 100 endpoints of one
 * company, each due for BENCH_EVENTS events, delivered by the worker's runner
 * (lease with SKIP LOCKED, sign, SSRF check and pinned connection, record the
 * attempt) at FLUXO_WEBHOOKS_CONCURRENCY requests in flight.
 *
 *   npx tsx bench/webhooks.ts
 *   BENCH_EVENTS=50 BENCH_CONCURRENCY=32 npx tsx bench/webhooks.ts
 *
 * Settings (environment): DATABASE_URL (a PostgreSQL server; a scratch control
 * plane is created on it and dropped after), BENCH_ENDPOINTS (100),
 * BENCH_EVENTS (20 per endpoint), BENCH_CONCURRENCY (16).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { ServiceRuntime } from '../platform/runtime';
import { generateWebhookSecret } from '../platform/webhook-signing';
import { inControlPlaneTransaction } from '../subgraphs/access/mutation';
import { approveSubscriptionRequest } from '../subgraphs/access/provisioning/approve-subscription';
import { requestSubscription } from '../subgraphs/access/services/subscription-requests';
import { accessDeps } from '../subgraphs/access/subgraph';
import { DEFAULT_WEBHOOK_RUNNER_OPTIONS, WebhookRunner } from '../worker/webhook-runner';
import { createBenchDatabase } from './scratch-database';

const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 100);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const logger = createLogger('bench', 'silent');

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('webhooks');
  const controlPlane = createDatabase<ControlPlaneDB>(scratch.config.databaseUrl, { max: 8 });
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  try {
    await migrateGlobal(controlPlane);
    const runtime = new ServiceRuntime(scratch.config, logger);
    const operator = { kind: 'ADMIN', id: null, requestId: 'bench' };
    const deps = accessDeps(runtime);
    const { request } = await inControlPlaneTransaction(deps.controlPlane, operator, 'requestSubscription', (trx, a) =>
      requestSubscription(trx, { companyName: 'Hook Bench', contactEmail: 'bench@example.com', modules: ['EMPLOYEES'], planCode: null }, a),
    );
    const { company } = await approveSubscriptionRequest(deps, request.id, operator);
    await runtime.close();

    const endpoints = await controlPlane
      .insertInto('webhook_endpoint')
      .values(
        Array.from({ length: ENDPOINTS }, (_, i) => ({
          company_id: company.id,
          url: `${url}/${i}`,
          event_types: ['employee.hired.v1'],
          secret: generateWebhookSecret(),
        })),
      )
      .returning('id')
      .execute();
    const events = Array.from({ length: EVENTS }, () => randomUUID());
    await controlPlane
      .insertInto('public_event')
      .values(
        events.map((id) => ({
          id,
          company_id: company.id,
          type: 'employee.hired.v1',
          module: 'EMPLOYEES',
          occurred_at: new Date(),
          payload: JSON.stringify({ employeeId: randomUUID(), employeeNumber: 'E-1', hireDate: '2026-01-05', departmentId: null }),
        })),
      )
      .execute();
    await sql`
      INSERT INTO webhook_delivery (endpoint_id, event_id)
      SELECT e, ev FROM unnest(${endpoints.map((e) => e.id)}::uuid[]) e, unnest(${events}::uuid[]) ev`.execute(controlPlane);

    const runner = new WebhookRunner(controlPlane, null, logger, {
      ...DEFAULT_WEBHOOK_RUNNER_OPTIONS,
      concurrency: CONCURRENCY,
      policy: { allowLoopback: true },
    });
    const total = ENDPOINTS * EVENTS;
    const started = performance.now();
    runner.start();
    while (true) {
      const left = await controlPlane
        .selectFrom('webhook_delivery')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'PENDING')
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await runner.stop();
    const seconds = (performance.now() - started) / 1000;
    const failed = await controlPlane.selectFrom('webhook_delivery').select('id').where('status', '!=', 'SUCCEEDED').execute();
    console.log(
      JSON.stringify({
        endpoints: ENDPOINTS,
        events: EVENTS,
        deliveries: total,
        received,
        failed: failed.length,
        concurrency: CONCURRENCY,
        seconds: +seconds.toFixed(2),
        perSecond: Math.round(total / seconds),
      }),
    );
  } finally {
    receiver.close();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { sql, type Kysely } from 'kysely';
import type { FluxoConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { publishEvents, type EventConsumer } from '../../platform/outbox';
import { ServiceRuntime } from '../../platform/runtime';
import { startWorkerService, type RunningWorker } from '../../worker/main';
import { DEFAULT_RELAY_OPTIONS, drainTenant } from '../../worker/relay';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let company: Company;
let tenantDb: Kysely<TenantDB>;
let running: RunningWorker | null = null;

/** A consumer in ASSETS of an EMPLOYEES event that is always down. */
const broken: EventConsumer = {
  module: 'ASSETS',
  accepts: { ThingHappened: 'EMPLOYEES' },
  handle: async () => {
    throw new Error('consumer is down');
  },
};

async function publish(aggregateId: string): Promise<void> {
  await tenantDb
    .transaction()
    .execute((trx) => publishEvents(trx, 'employees', [{ type: 'ThingHappened', aggregateType: 'Thing', aggregateId, payload: { n: 1 } }], 'req-metrics'));
}

/** The worker's settings with its metrics on a free port, sampled often enough for a test. */
function workerConfig(base: FluxoConfig): FluxoConfig {
  return { ...base, worker: { ...base.worker, host: '127.0.0.1', metricsPort: 0, metricsIntervalMillis: 100, pollMillis: 600_000 } };
}

async function metricsText(): Promise<string> {
  const res = await fetch(running!.metricsUrl);
  expect(res.status).toBe(200);
  return res.text();
}

/** One series' value for a module, or null when absent. */
function valueOf(text: string, metric: string, module: string): number | null {
  const match = new RegExp(`^${metric}\\{module="${module}"\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

/** Reads /metrics until `done` holds for it; fails at the deadline with the last figures. */
async function metricsWhen(done: (text: string) => boolean, deadlineMillis = 5_000): Promise<string> {
  const until = Date.now() + deadlineMillis;
  for (;;) {
    const text = await metricsText();
    if (done(text)) return text;
    if (Date.now() > until)
      throw new Error(
        `figures never matched:\n${text
          .split('\n')
          .filter((l) => l.startsWith('fluxo_outbox'))
          .join('\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Metered Co', modules: ['ASSETS', 'EMPLOYEES'] });
  tenantDb = company.openTenantDb();
  // A dead event: the relay gives up on it at the first failure.
  await publish('dead-1');
  const report = await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [broken], logger, { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 });
  expect(report.dead).toBe(1);
  // A pending event an hour old, backing off for an hour more: the worker leaves it waiting.
  await publish('stuck-1');
  await sql`UPDATE employees.outbox SET occurred_at = now() - interval '1 hour', next_attempt_at = now() + interval '1 hour' WHERE aggregate_id = 'stuck-1'`.execute(
    tenantDb,
  );
});
afterAll(async () => {
  await running?.stop();
  await tenantDb?.destroy();
  await database?.drop();
});

describe("the worker's /metrics", () => {
  it('shows the outbox lag and dead events per module once sampled, with no tenant in any label', async () => {
    running = await startWorkerService(new ServiceRuntime(workerConfig(database.config), logger));
    const text = await metricsWhen((t) => valueOf(t, 'fluxo_outbox_dead_events', 'employees') !== null);
    expect(valueOf(text, 'fluxo_outbox_dead_events', 'employees')).toBe(1);
    expect(valueOf(text, 'fluxo_outbox_pending_events', 'employees')).toBe(1);
    expect(valueOf(text, 'fluxo_outbox_lag_seconds', 'employees')).toBeGreaterThanOrEqual(3600);
    expect(valueOf(text, 'fluxo_outbox_lag_seconds', 'employees')).toBeLessThan(3700);
    for (const other of ['assets', 'finance', 'payroll']) {
      expect(valueOf(text, 'fluxo_outbox_dead_events', other)).toBe(0);
      expect(valueOf(text, 'fluxo_outbox_lag_seconds', other)).toBe(0);
    }
    expect(text).not.toMatch(/tenant=/);
    expect(text).not.toContain(company.slug);
    // Webhook deliveries by outcome are served beside the relay's figures.
    expect(text).toContain('# TYPE fluxo_webhook_deliveries_total counter');
    expect(text).not.toContain(company.tenant.database);
    const health = await fetch(running.metricsUrl.replace(/\/metrics$/, '/health'));
    expect(await health.json()).toEqual({ status: 'ok', service: 'worker' });
  });

  it('counts deliveries per module and follows the outboxes on its timer', async () => {
    const before = valueOf(await metricsText(), 'fluxo_outbox_events_delivered_total', 'employees') ?? 0;
    // The old event may go now: the relay delivers it and the next sample sees no lag.
    await sql`UPDATE employees.outbox SET next_attempt_at = now() WHERE status = 'PENDING'`.execute(tenantDb);
    running!.worker.schedule(company.tenant.id);
    await running!.worker.idle();
    const text = await metricsWhen((t) => valueOf(t, 'fluxo_outbox_lag_seconds', 'employees') === 0);
    expect(valueOf(text, 'fluxo_outbox_events_delivered_total', 'employees')).toBe(before + 1);
    expect(valueOf(text, 'fluxo_outbox_pending_events', 'employees')).toBe(0);
    expect(valueOf(text, 'fluxo_outbox_dead_events', 'employees')).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import type { FluxoConfig } from '../../platform/config';
import { createDatabase } from '../../platform/db';
import { publishEvents, type DomainEvent } from '../../platform/outbox';
import { ServiceRuntime } from '../../platform/runtime';
import { buildEvent } from '../../subgraphs/contracts/event';
import { EmployeeHired } from '../../subgraphs/contracts/employees';
import { startWorkerService } from '../../worker/main';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { cloneTenants } from '../support/tenant-clones';
import type { TenantDB } from '../support/tenant-db';

/*
 * Issue 11: after a restart with 23 tenants the worker logged 540–690 "outbox
 * drain failed" errors a minute. It polls every tenant at once, held only 10
 * tenant pools and closed pools it had just handed out. Here 50 tenants wait
 * with a backlog while the worker is down; a fresh worker (a restarted
 * process: empty pool cache) must deliver everything without one warning.
 */

const TENANTS = 50;
const BACKLOG = 20;

interface LogLine {
  level: number;
  msg: string;
  tenant?: string;
  delivered?: number;
}

/** Every line the worker's pino logger writes, parsed, with a way to wait for a condition on them. */
class CapturedLog {
  readonly lines: LogLine[] = [];
  private waiters: Array<() => void> = [];
  readonly logger = pino({ level: 'info' }, { write: (line: string) => this.push(JSON.parse(line) as LogLine) });

  private push(line: LogLine): void {
    this.lines.push(line);
    for (const wake of this.waiters) wake();
  }

  /** Events the worker reported delivered ("outbox drained" lines). */
  delivered(): number {
    return this.lines.filter((l) => l.msg === 'outbox drained').reduce((sum, l) => sum + (l.delivered ?? 0), 0);
  }

  /** Warnings and errors (pino levels 40 and up). */
  problems(): LogLine[] {
    return this.lines.filter((l) => l.level >= 40);
  }

  /** Resolves once `done` holds for the lines so far, checked on every new line; rejects at the deadline. */
  until(done: () => boolean, deadlineMillis: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`not done within ${deadlineMillis} ms: ${this.delivered()} delivered, ${this.problems().length} warnings or errors`));
      }, deadlineMillis);
      this.waiters.push(check);
      check();
    });
  }
}

function hired(n: number): DomainEvent {
  return buildEvent(EmployeeHired, {
    employeeId: randomUUID(),
    employeeNumber: `E${n}`,
    fullName: `Employee ${n}`,
    email: `e${n}@example.com`,
    hireDate: '2026-01-05',
    departmentId: null,
    status: 'ACTIVE',
  });
}

async function publish(db: Kysely<TenantDB>, events: DomainEvent[]): Promise<void> {
  await db.transaction().execute((trx) => publishEvents(trx, 'employees', events, null));
}

/** The product's worker settings, with a budget of connections this test server can afford beside the other test files. */
function workerConfig(base: FluxoConfig): FluxoConfig {
  const given = (name: string) => base.given.has(name);
  return {
    ...base,
    logLevel: 'info',
    pools: { ...base.pools, tenantConnectionsMax: given('FLUXO_TENANT_CONNECTIONS_MAX') ? base.pools.tenantConnectionsMax : 20 },
    worker: {
      ...base.worker,
      pollMillis: 250,
      maxListeners: given('FLUXO_WORKER_MAX_LISTENERS') ? base.worker.maxListeners : 10,
      // The process as deployed, its outbox gauges read far more often than by default while it drains.
      host: '127.0.0.1',
      metricsPort: 0,
      metricsIntervalMillis: 250,
    },
  };
}

let database: TestDatabase;
let tenantUrls: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  const started = performance.now();
  const source = await createCompany(database, { name: 'Restart Co', modules: ['ASSETS', 'EMPLOYEES'] });
  // The backlog that piled up while the worker was down; every copy holds it too.
  await publish(
    source.tenantDb,
    Array.from({ length: BACKLOG }, (_, n) => hired(n)),
  );
  await source.tenantDb.destroy();
  const copies = await cloneTenants(database, source, TENANTS - 1);
  tenantUrls = [source.tenantUrl, ...copies.map((c) => c.url)];
  process.stdout.write(`${TENANTS} tenants with ${BACKLOG} pending events each, ready in ${Math.round(performance.now() - started)} ms\n`);
}, 120_000);
// Dropping fifty-one databases WITH (FORCE) takes a while on a busy server.
afterAll(async () => {
  await database?.drop();
}, 180_000);

describe('the outbox worker after a restart', () => {
  it(`drains ${TENANTS} tenants' backlogs and later events without a warning or an error`, async () => {
    const log = new CapturedLog();
    const runtime = new ServiceRuntime(workerConfig(database.config), log.logger);
    const started = performance.now();
    const worker = await startWorkerService(runtime);
    let drainedMillis = 0;
    try {
      await log.until(() => log.delivered() >= TENANTS * BACKLOG, 60_000);
      drainedMillis = performance.now() - started;
      // Afterwards, one more event per tenant: most tenants have no listener, so polling delivers them while pools rotate.
      for (const url of tenantUrls) {
        const db = createDatabase<TenantDB>(url, { max: 1 });
        try {
          await publish(db, [hired(BACKLOG)]);
        } finally {
          await db.destroy();
        }
      }
      await log.until(() => log.delivered() >= TENANTS * (BACKLOG + 1), 60_000);
    } finally {
      const elapsed = performance.now() - started;
      await worker.stop();
      await runtime.close();
      const drainErrors = log.problems().filter((l) => /drain/.test(l.msg)).length;
      process.stdout.write(
        `worker restart: ${TENANTS} tenants, backlog of ${TENANTS * BACKLOG} drained in ${Math.round(drainedMillis)} ms; ` +
          `${log.delivered()} delivered in ${Math.round(elapsed)} ms; ${drainErrors} drain warnings/errors ` +
          `(${Math.round((drainErrors * 60_000) / elapsed)} a minute), ${log.problems().length} warnings/errors in all\n`,
      );
    }
    expect(log.problems()).toEqual([]);
    expect(log.delivered()).toBe(TENANTS * (BACKLOG + 1));

    // Every tenant's database agrees: nothing pending, every hire projected once.
    for (const url of tenantUrls) {
      const db = createDatabase<TenantDB>(url, { max: 1 });
      try {
        const { rows } = await sql<{ pending: string; projected: string }>`
          SELECT (SELECT count(*) FROM employees.outbox WHERE status <> 'DELIVERED') AS pending,
                 (SELECT count(*) FROM assets.employee_projection) AS projected`.execute(db);
        expect(rows[0]).toEqual({ pending: '0', projected: String(BACKLOG + 1) });
      } finally {
        await db.destroy();
      }
    }
  }, 180_000);
});

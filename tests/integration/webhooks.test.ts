import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { consumerRoles } from '../../platform/db-roles';
import { createLogger } from '../../platform/logger';
import { publishEvents } from '../../platform/outbox';
import { ShardDirectory } from '../../platform/shards';
import { TenantPoolManager } from '../../platform/tenant-pools';
import { generateWebhookSecret } from '../../platform/webhook-signing';
import { buildEvent } from '../../subgraphs/contracts/event';
import { EmployeeHired, EmployeeTerminated } from '../../subgraphs/contracts/employees';
import { publicEventObserver } from '../../worker/public-events';
import { drainTenant, DEFAULT_RELAY_OPTIONS } from '../../worker/relay';
import { DEFAULT_WEBHOOK_RUNNER_OPTIONS, WebhookRunner, type WebhookRunnerOptions } from '../../worker/webhook-runner';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let acme: Company;
let other: Company;
let acmeDb: Kysely<TenantDB>;
let otherDb: Kysely<TenantDB>;
let pools: TenantPoolManager;
let receiver: WebhookReceiver;

function runner(options: Partial<WebhookRunnerOptions> = {}): WebhookRunner {
  return new WebhookRunner(database.db, pools, logger, {
    ...DEFAULT_WEBHOOK_RUNNER_OPTIONS,
    policy: { allowLoopback: true },
    auditRole: consumerRoles(database.config),
    ...options,
  });
}

async function endpoint(company: Company, url: string, eventTypes = ['employee.hired.v1'], secret = generateWebhookSecret()) {
  const row = await database.db
    .insertInto('webhook_endpoint')
    .values({ company_id: company.companyId, url, event_types: eventTypes, secret })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, secret };
}

/** Publishes an employee event in the company's outbox and lets the relay record its public form. */
async function publish(company: Company, db: Kysely<TenantDB>, kind: 'hire' | 'terminate' = 'hire'): Promise<string> {
  const employeeId = randomUUID();
  const event =
    kind === 'hire'
      ? buildEvent(EmployeeHired, {
          employeeId,
          employeeNumber: 'E-7',
          fullName: 'Grace',
          email: 'g@example.com',
          hireDate: '2026-03-02',
          departmentId: null,
          status: 'ACTIVE',
        })
      : buildEvent(EmployeeTerminated, { employeeId, terminationDate: '2026-03-31' });
  await db.transaction().execute((trx) => publishEvents(trx, 'employees', [event], null));
  await drainTenant(db, ['EMPLOYEES'], [], logger, { ...DEFAULT_RELAY_OPTIONS, observe: publicEventObserver(database.db, company.companyId, logger) });
  const row = await sql<{ id: string }>`SELECT id FROM employees.outbox WHERE aggregate_id = ${employeeId}`.execute(db);
  return row.rows[0]!.id;
}

/** Resolves once the condition holds; fails after a deadline (the condition is checked on each turn of the event loop, no sleep). */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Makes every pending delivery due now: retries are driven by the clock in the table, not by waiting. */
async function makeDue(): Promise<void> {
  await sql`UPDATE webhook_delivery SET next_attempt_at = now() WHERE status = 'PENDING'`.execute(database.db);
}

async function attemptsOf(endpointId: string) {
  return database.db.selectFrom('webhook_delivery_attempt').selectAll().where('endpoint_id', '=', endpointId).orderBy('id').execute();
}

beforeAll(async () => {
  database = await createTestDatabase();
  acme = await createCompany(database, { name: 'Hook Acme', modules: ['EMPLOYEES'] });
  other = await createCompany(database, { name: 'Hook Other', modules: ['EMPLOYEES'] });
  acmeDb = acme.openTenantDb();
  otherDb = other.openTenantDb();
  pools = new TenantPoolManager(new ShardDirectory(database.config.shards), { perTenant: 1, globalCap: 4, idleMillis: 60_000, applicationName: 'test' });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await pools?.shutdown();
  await acmeDb?.destroy();
  await otherDb?.destroy();
  await database?.drop();
});
beforeEach(async () => {
  await sql`DELETE FROM webhook_endpoint`.execute(database.db);
  receiver.received.length = 0;
  receiver.answer([]);
});

describe('webhook deliveries', () => {
  it('retries a failing endpoint with the same webhook-id until it succeeds, signed as the Standard Webhooks library verifies', async () => {
    const hook = await endpoint(acme, receiver.url);
    receiver.answer([500, 500, 200]);
    const eventId = await publish(acme, acmeDb);
    const deliver = runner();
    expect(await deliver.runOnce()).toBe(1);
    expect(await deliver.runOnce()).toBe(0); // not due again before its backoff
    await makeDue();
    await deliver.runOnce();
    await makeDue();
    await deliver.runOnce();
    await makeDue();
    expect(await deliver.runOnce()).toBe(0); // succeeded: nothing left to send

    expect(receiver.received).toHaveLength(3);
    const verifier = new Webhook(hook.secret);
    for (const r of receiver.received) {
      expect(r.headers['webhook-id']).toBe(eventId);
      const verified = verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
      expect(verified.type).toBe('employee.hired.v1');
      expect(verified.data).toMatchObject({ employeeId: expect.any(String), hireDate: '2026-03-02' });
    }
    const attempts = await attemptsOf(hook.id);
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(attempts[0]!.response_body).toHaveLength(1024);
    expect(attempts[0]!.next_attempt_at).not.toBeNull();
    const delivery = await database.db.selectFrom('webhook_delivery').selectAll().where('endpoint_id', '=', hook.id).executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 3, event_id: eventId });
  });

  it('signs with both secrets during a rotation’s overlap, and with the new one alone after it', async () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const hook = await endpoint(acme, receiver.url, ['employee.hired.v1'], newSecret);
    await sql`UPDATE webhook_endpoint SET previous_secret = ${oldSecret}, previous_secret_expires_at = now() + interval '1 hour' WHERE id = ${hook.id}`.execute(
      database.db,
    );
    await publish(acme, acmeDb);
    await runner().runOnce();
    const during = receiver.received[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();

    await sql`UPDATE webhook_endpoint SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ${hook.id}`.execute(database.db);
    await publish(acme, acmeDb);
    await runner().runOnce();
    const after = receiver.received[1]!;
    expect(() => new Webhook(newSecret).verify(after.body, after.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(after.body, after.headers as Record<string, string>)).toThrow();
  });

  it('delivers only subscribed types, and never another company’s events', async () => {
    const hires = await endpoint(acme, receiver.url, ['employee.hired.v1']);
    const exits = await endpoint(acme, `${receiver.url}?exits`, ['employee.terminated.v1']);
    const otherHires = await endpoint(other, `${receiver.url}?other`, ['employee.hired.v1']);
    const hired = await publish(acme, acmeDb, 'hire');
    const terminated = await publish(acme, acmeDb, 'terminate');
    await runner().runOnce();
    expect(receiver.received).toHaveLength(2);
    expect((await attemptsOf(hires.id)).map((a) => a.event_id)).toEqual([hired]);
    expect((await attemptsOf(exits.id)).map((a) => a.event_id)).toEqual([terminated]);
    expect(await attemptsOf(otherHires.id)).toEqual([]);
    const otherHire = await publish(other, otherDb, 'hire');
    await runner().runOnce();
    expect((await attemptsOf(otherHires.id)).map((a) => a.event_id)).toEqual([otherHire]);
    expect((await attemptsOf(hires.id)).map((a) => a.event_id)).toEqual([hired]);
  });
});

describe('a slow endpoint', () => {
  it('holds only its own slots: another company’s delivery goes out while it hangs', async () => {
    const held: Array<() => void> = [];
    const slow = createServer((req, res) => {
      req.resume();
      held.push(() => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`;
      await endpoint(acme, slowUrl);
      await endpoint(other, receiver.url);
      for (let i = 0; i < 3; i += 1) await publish(acme, acmeDb);
      await publish(other, otherDb);
      const deliver = runner({ concurrency: 4, perEndpoint: 2 });
      expect(await deliver.claimDue()).toBe(3); // two of the slow endpoint's three, and the other company's one
      await until(() => receiver.received.length === 1 && held.length === 2);
      expect(await deliver.claimDue()).toBe(0); // the slow endpoint's slots are full; its third delivery waits
      for (const release of held.splice(0)) release();
      await deliver.idle();
      expect(await deliver.claimDue()).toBe(1);
      await until(() => held.length === 1);
      held.splice(0).forEach((release) => release());
      await deliver.idle();
    } finally {
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});

describe('the address guard', () => {
  async function refusedWith(url: string, options: Partial<WebhookRunnerOptions> = {}): Promise<string | null> {
    const hook = await endpoint(acme, url);
    await publish(acme, acmeDb);
    await runner(options).runOnce();
    const [attempt] = await attemptsOf(hook.id);
    expect(attempt).toMatchObject({ status_code: null, attempt: 1 });
    await sql`DELETE FROM webhook_endpoint WHERE id = ${hook.id}`.execute(database.db);
    return attempt!.error;
  }

  it('refuses private addresses, loopback without the development setting, and names that resolve to loopback', async () => {
    expect(await refusedWith('http://10.1.2.3:9/hooks')).toMatch(/PRIVATE/);
    expect(await refusedWith('http://[::ffff:10.1.2.3]:9/hooks')).toMatch(/PRIVATE/);
    expect(await refusedWith('http://169.254.169.254/latest/meta-data')).toMatch(/LINK_LOCAL/);
    expect(await refusedWith(receiver.url, { policy: { allowLoopback: false } })).toMatch(/LOOPBACK/);
    expect(await refusedWith(receiver.url.replace('127.0.0.1', 'localhost'), { policy: { allowLoopback: false } })).toMatch(/LOOPBACK/);
    expect(receiver.received).toEqual([]);
  });

  it('follows no redirect: a 302 to an internal address is a failed attempt and the target hears nothing', async () => {
    const target = await startWebhookReceiver();
    try {
      const hook = await endpoint(acme, receiver.url);
      receiver.answer([{ redirect: target.url }]);
      await publish(acme, acmeDb);
      await runner().runOnce();
      expect(target.received).toEqual([]);
      const [attempt] = await attemptsOf(hook.id);
      expect(attempt).toMatchObject({ status_code: 302, error: 'HTTP 302' });
    } finally {
      await target.close();
    }
  });
});

describe('an endpoint that keeps failing', () => {
  it('is disabled after the configured failures, and the company’s audit log says so', async () => {
    const hook = await endpoint(acme, receiver.url);
    receiver.answer([500, 500, 500]);
    await publish(acme, acmeDb);
    const deliver = runner({ disableAfterFailures: 2, disableAfterMillis: 0 });
    await deliver.runOnce();
    await makeDue();
    await deliver.runOnce();
    const state = await database.db.selectFrom('webhook_endpoint').selectAll().where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(state).toMatchObject({ enabled: false, consecutive_failures: 2 });
    expect(state.disabled_reason).toMatch(/2 failed attempts/);
    await makeDue();
    expect(await deliver.runOnce()).toBe(0); // a disabled endpoint gets nothing
    const audit = await sql<{ operation: string; entity_id: string }>`
      SELECT operation, entity_id FROM audit.audit_log WHERE entity = 'WebhookEndpoint'`.execute(acmeDb);
    expect(audit.rows).toEqual([{ operation: 'disableWebhookEndpoint', entity_id: hook.id }]);
  });
});

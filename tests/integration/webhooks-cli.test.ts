import { randomUUID } from 'node:crypto';
import { createLogger } from '../../platform/logger';
import { publishEvents } from '../../platform/outbox';
import { buildEvent } from '../../subgraphs/contracts/event';
import { EmployeeTerminated } from '../../subgraphs/contracts/employees';
import { publicEventObserver } from '../../worker/public-events';
import { DEFAULT_RELAY_OPTIONS, drainTenant } from '../../worker/relay';
import { DEFAULT_WEBHOOK_RUNNER_OPTIONS, WebhookRunner } from '../../worker/webhook-runner';
import { createCompany, type Company } from '../support/company';
import { runFluxo, type CliRun } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// `fluxo webhooks …` as an operator runs it: the real CLI in its own process.

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let company: Company;
let receiver: WebhookReceiver;

function fluxo(...args: string[]): Promise<CliRun> {
  return runFluxo(database, ['webhooks', ...args], { FLUXO_WEBHOOKS_ALLOW_LOOPBACK: '1' });
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Cli Hooks', modules: ['EMPLOYEES'] });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await company?.tenantDb.destroy();
  await database?.drop();
});

it('creates an endpoint, lists it, shows its deliveries and redelivers an event', async () => {
  const created = await fluxo('create', '--company', company.slug, '--url', receiver.url, '--events', 'employee.terminated.v1');
  expect(created.code).toBe(0);
  const endpointId = /endpoint: (\S+)/.exec(created.stdout)![1]!;
  expect(created.stdout).toMatch(/secret: {3}whsec_/);

  const listed = await fluxo('list', '--company', company.slug);
  expect(listed.stdout).toContain(endpointId);
  expect(listed.stdout).toContain('employee.terminated.v1');

  const event = buildEvent(EmployeeTerminated, { employeeId: randomUUID(), terminationDate: '2026-04-30' });
  await company.tenantDb.transaction().execute((trx) => publishEvents(trx, 'employees', [event], null));
  await drainTenant(company.tenantDb, ['EMPLOYEES'], [], logger, {
    ...DEFAULT_RELAY_OPTIONS,
    observe: publicEventObserver(database.db, company.companyId, logger),
  });
  const runner = new WebhookRunner(database.db, null, logger, { ...DEFAULT_WEBHOOK_RUNNER_OPTIONS, policy: { allowLoopback: true } });
  await runner.runOnce();
  const eventId = String(receiver.received[0]!.headers['webhook-id']);

  const deliveries = await fluxo('deliveries', endpointId);
  expect(deliveries.stdout).toContain(eventId);
  expect(deliveries.stdout).toMatch(/\b200\b/);

  const redelivered = await fluxo('redeliver', endpointId, '--event', eventId);
  expect(redelivered.stdout).toContain(`queued event ${eventId}`);
  await runner.runOnce();
  expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);

  const unknown = await fluxo('deliveries', randomUUID());
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr).toMatch(/no webhook endpoint/);
}, 60_000);

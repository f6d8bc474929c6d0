import { Webhook } from 'standardwebhooks';
import { consumerRoles } from '../../platform/db-roles';
import { createLogger } from '../../platform/logger';
import { ShardDirectory } from '../../platform/shards';
import { TenantPoolManager } from '../../platform/tenant-pools';
import { publicEventObserver } from '../../worker/public-events';
import { drainTenant, DEFAULT_RELAY_OPTIONS } from '../../worker/relay';
import { DEFAULT_WEBHOOK_RUNNER_OPTIONS, WebhookRunner } from '../../worker/webhook-runner';
import {
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  PingWebhookEndpointDocument,
  PublicEventTypesDocument,
  RedeliverWebhookDocument,
  RotateWebhookSecretDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from '../generated/operations';
import { createCompany, type GatewayCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { hireSomeone } from '../support/employees-fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let receiver: WebhookReceiver;
let pools: TenantPoolManager;
let runner: WebhookRunner;

/** The worker's part, driven by the test: the relay records public events, then the runner delivers what is due. */
async function relayAndDeliver(company: GatewayCompany): Promise<void> {
  const observe = publicEventObserver(database.db, company.companyId, logger);
  await drainTenant(company.tenantDb, company.tenant.companyModules, [], logger, { ...DEFAULT_RELAY_OPTIONS, observe });
  await runner.runOnce();
}

async function createEndpoint(company: GatewayCompany, eventTypes: string[], url = receiver.url) {
  const res = await company.gql(CreateWebhookEndpointDocument, { input: { companyId: company.companyId, url, eventTypes, description: 'ERP sync' } });
  return res.data!.createWebhookEndpoint;
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = await startTestStack({ database, config: { webhooks: { ...database.config.webhooks, allowLoopback: true } } });
  acme = await createCompany(t, { name: 'Hooked Acme', modules: ['EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Hooked Beta', modules: ['EMPLOYEES'] });
  receiver = await startWebhookReceiver();
  pools = new TenantPoolManager(new ShardDirectory(database.config.shards), { perTenant: 1, globalCap: 4, idleMillis: 60_000, applicationName: 'test' });
  runner = new WebhookRunner(database.db, pools, logger, {
    ...DEFAULT_WEBHOOK_RUNNER_OPTIONS,
    policy: { allowLoopback: true },
    auditRole: consumerRoles(database.config),
  });
});
afterAll(async () => {
  await receiver?.close();
  await pools?.shutdown();
  await t?.stop();
  await database?.drop();
});
beforeEach(() => {
  receiver.received.length = 0;
});

describe('webhooks through the gateway', () => {
  it('lists the public event catalogue', async () => {
    const res = await acme.gql(PublicEventTypesDocument);
    expect(res.data!.publicEventTypes).toContainEqual({
      name: 'employee.hired.v1',
      module: 'EMPLOYEES',
      permission: 'employees:directory.read',
      description: expect.any(String),
    });
  });

  it('refuses unknown or unsubscribed event types and internal addresses, with codes', async () => {
    const unknown = await createEndpoint(acme, ['employee.promoted.v9']);
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_EVENT_TYPE', field: ['input', 'eventTypes', '0'] })]);
    const payroll = await createEndpoint(acme, ['payroll.pay_run.posted.v1']);
    expect(payroll.userErrors[0]!.code).toBe('MODULE_NOT_SUBSCRIBED');
    const internal = await createEndpoint(acme, ['employee.hired.v1'], 'http://10.0.0.7/hooks');
    expect(internal.userErrors[0]!.code).toBe('ADDRESS_NOT_ALLOWED');
    expect(internal.endpoint).toBeNull();
  });

  it('delivers a hire signed with the secret shown once, records the attempt, and redelivers with the same webhook-id', async () => {
    const created = await createEndpoint(acme, ['employee.hired.v1']);
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await acme.gql(WebhookEndpointsDocument, { companyId: acme.companyId });
    expect(listed.data!.webhookEndpoints.map((e) => e.id)).toContain(created.endpoint!.id);
    expect(JSON.stringify(listed.data)).not.toContain(created.secret!.slice(6));
    const audit = await database.db.selectFrom('audit_log').selectAll().where('entity_id', '=', created.endpoint!.id).execute();
    expect(audit.map((a) => [a.operation, a.actor_id])).toEqual([['createWebhookEndpoint', acme.keyId]]);
    expect(JSON.stringify(audit)).not.toContain(created.secret!.slice(6));

    const hired = await hireSomeone(acme);
    await relayAndDeliver(acme);
    expect(receiver.received).toHaveLength(1);
    const [first] = receiver.received;
    const body = new Webhook(created.secret!).verify(first!.body, first!.headers as Record<string, string>) as { type: string; data: { employeeId: string } };
    expect(body).toMatchObject({ type: 'employee.hired.v1', data: { employeeId: hired.id } });

    const deliveries = await acme.gql(WebhookDeliveriesDocument, { endpointId: created.endpoint!.id, first: 10 });
    const [attempt] = deliveries.data!.webhookDeliveries.edges.map((e) => e.node);
    expect(attempt).toMatchObject({ attempt: 1, statusCode: 200, eventId: first!.headers['webhook-id'], nextAttemptAt: null });

    const again = await acme.gql(RedeliverWebhookDocument, { input: { endpointId: created.endpoint!.id, eventId: attempt!.eventId } });
    expect(again.data!.redeliverWebhook).toEqual({ eventId: attempt!.eventId, userErrors: [] });
    await runner.runOnce();
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([attempt!.eventId, attempt!.eventId]);
  });

  it('rotates the secret: during the overlap a delivery verifies with either, and a ping reaches the endpoint', async () => {
    const created = await createEndpoint(acme, ['employee.terminated.v1']);
    const rotated = await acme.gql(RotateWebhookSecretDocument, { input: { endpointId: created.endpoint!.id, overlapHours: 24 } });
    expect(rotated.data!.rotateWebhookSecret.userErrors).toEqual([]);
    expect(rotated.data!.rotateWebhookSecret.endpoint!.previousSecretExpiresAt).not.toBeNull();
    const ping = await acme.gql(PingWebhookEndpointDocument, { input: { endpointId: created.endpoint!.id } });
    await runner.runOnce();
    const received = receiver.received.find((r) => r.headers['webhook-id'] === ping.data!.pingWebhookEndpoint.eventId)!;
    for (const secret of [created.secret!, rotated.data!.rotateWebhookSecret.secret!]) {
      expect(new Webhook(secret).verify(received.body, received.headers as Record<string, string>)).toMatchObject({ type: 'webhook.ping' });
    }
  });

  it('keeps each company to its own endpoints', async () => {
    const created = await createEndpoint(acme, ['employee.hired.v1']);
    const list = await beta.gql(WebhookEndpointsDocument, { companyId: acme.companyId });
    expect(list.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const update = await beta.gql(UpdateWebhookEndpointDocument, { input: { endpointId: created.endpoint!.id, url: receiver.url } });
    expect(update.data!.updateWebhookEndpoint.userErrors[0]!.code).toBe('NOT_FOUND');
    const deliveries = await beta.gql(WebhookDeliveriesDocument, { endpointId: created.endpoint!.id });
    expect(deliveries.data!.webhookDeliveries.totalCount).toBe(0);
    const removed = await beta.gql(DeleteWebhookEndpointDocument, { input: { endpointId: created.endpoint!.id } });
    expect(removed.data!.deleteWebhookEndpoint.userErrors[0]!.code).toBe('NOT_FOUND');

    await hireSomeone(beta);
    await relayAndDeliver(beta);
    expect(receiver.received).toEqual([]);
    const own = await acme.gql(DeleteWebhookEndpointDocument, { input: { endpointId: created.endpoint!.id } });
    expect(own.data!.deleteWebhookEndpoint).toEqual({ deletedEndpointId: created.endpoint!.id, userErrors: [] });
  });
});

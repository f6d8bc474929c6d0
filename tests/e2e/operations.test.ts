import { randomUUID } from 'node:crypto';
import { createLogger } from '../../platform/logger';
import { publishEvents, type EventConsumer } from '../../platform/outbox';
import { drainTenant, DEFAULT_RELAY_OPTIONS } from '../../worker/relay';
import { createCompany, type GatewayCompany } from '../support/company';
import { member } from '../support/people';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// The operator's console and a company's console read dead letters, audit logs
// and the subgraphs' readiness through the public API, as any client would:
// every request goes through the gateway over HTTP.

const logger = createLogger('test', 'silent');
let t: TestStack;
let acme: GatewayCompany;
let globex: GatewayCompany;

const DEAD_LETTERS = `query($companyId: ID, $module: ModuleName, $first: Int, $after: String) {
  deadLetters(companyId: $companyId, module: $module, first: $first, after: $after) {
    totalCount
    edges { cursor node { id company { id } module eventType aggregate attempts reason occurredAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const REPLAY = `mutation($input: ReplayDeadLettersInput!) { replayDeadLetters(input: $input) { replayed userErrors { field code } } }`;
const ENTRY = 'id at module action entity entityId actorEmail actorUserId credential keyId actorKind clientAddress requestId before after';
const AUDIT_LOG = `query($companyId: ID!, $filter: AuditFilter, $first: Int, $after: String) {
  auditLog(companyId: $companyId, filter: $filter, first: $first, after: $after) { edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } }
}`;
const PLATFORM_AUDIT = `query($filter: AuditFilter, $first: Int) { platformAuditLog(filter: $filter, first: $first) { edges { node { ${ENTRY} } } } }`;
const MODULE_STATUS = `{ moduleStatus { service module ready detail checkedAt } }`;
const HIRE = `mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id } userErrors { code } } }`;

interface DeadLetterNode {
  id: string;
  company: { id: string };
  module: string;
  eventType: string;
  aggregate: string;
  attempts: number;
  reason: string | null;
}
interface DeadLetterPage {
  deadLetters: { totalCount: number; edges: Array<{ cursor: string; node: DeadLetterNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}
interface AuditNode {
  id: string;
  module: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  actorEmail: string | null;
  actorUserId: string | null;
  credential: string | null;
  keyId: string | null;
  actorKind: string | null;
  requestId: string | null;
  after: string | null;
}
interface AuditPage {
  auditLog: { edges: Array<{ cursor: string; node: AuditNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const asOperator = <T>(document: string, variables: Record<string, unknown> = {}) => graphql<T>(t.gatewayUrl, document, variables, { token: t.adminToken });

/** A consumer in ASSETS of an EMPLOYEES event, down `failTimes` times, that records what it handled. */
function consumer(seen: string[], failTimes = 0): EventConsumer {
  let failures = 0;
  return {
    module: 'ASSETS',
    accepts: { ThingHappened: 'EMPLOYEES' },
    handle: async (_trx, event) => {
      if (failures < failTimes) {
        failures += 1;
        throw new Error('consumer is down');
      }
      seen.push(event.id);
    },
  };
}

/** Publishes an event in the company's tenant and lets the relay give up on it at the first failure. */
async function deadEvent(company: GatewayCompany, aggregateId: string): Promise<void> {
  await company.tenantDb
    .transaction()
    .execute((trx) => publishEvents(trx, 'employees', [{ type: 'ThingHappened', aggregateType: 'Thing', aggregateId, payload: { n: 1 } }], 'req-dead'));
  const report = await drainTenant(company.tenantDb, company.modules, [consumer([], 99)], logger, { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 });
  expect(report.dead).toBe(1);
}

function expectRefused(res: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> }, code = 'FORBIDDEN'): void {
  expect(res.errors?.[0]?.extensions?.code).toBe(code);
  expect(res.data ?? null).toBeNull();
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Ops', modules: ['ASSETS', 'EMPLOYEES'] });
  globex = await createCompany(t, { name: 'Globex Ops', modules: ['ASSETS', 'EMPLOYEES'] });
  await deadEvent(acme, 'acme-1');
  await deadEvent(globex, 'globex-1');
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await globex?.tenantDb.destroy();
  await t?.stop();
});

describe('dead letters', () => {
  it('lists one company’s dead events for the operator, with the last error', async () => {
    const res = await asOperator<DeadLetterPage>(DEAD_LETTERS, { companyId: acme.companyId });
    expect(res.errors).toBeUndefined();
    expect(res.data?.deadLetters.totalCount).toBe(1);
    expect(res.data?.deadLetters.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        company: { id: acme.companyId },
        module: 'EMPLOYEES',
        eventType: 'ThingHappened',
        aggregate: 'Thing:acme-1',
        attempts: 1,
        reason: 'consumer is down',
      }),
    ]);
    const other = await asOperator<DeadLetterPage>(DEAD_LETTERS, { companyId: acme.companyId, module: 'ASSETS' });
    expect(other.data?.deadLetters.edges).toEqual([]);
  });

  it('pages through every company’s dead events with a keyset cursor, none repeated', async () => {
    const first = await asOperator<DeadLetterPage>(DEAD_LETTERS, { first: 1 });
    expect(first.data?.deadLetters.totalCount).toBe(2);
    expect(first.data?.deadLetters.pageInfo.hasNextPage).toBe(true);
    const second = await asOperator<DeadLetterPage>(DEAD_LETTERS, { first: 1, after: first.data?.deadLetters.pageInfo.endCursor });
    expect(second.data?.deadLetters.pageInfo.hasNextPage).toBe(false);
    const aggregates = [...first.data!.deadLetters.edges, ...second.data!.deadLetters.edges].map((e) => e.node.aggregate);
    expect(aggregates).toEqual(['Thing:acme-1', 'Thing:globex-1']);
    expectRefused(await asOperator(DEAD_LETTERS, { after: 'not-a-cursor' }), 'BAD_USER_INPUT');
  });

  it('refuses a company credential, even for its own company', async () => {
    expectRefused(await acme.gql(DEAD_LETTERS, { companyId: acme.companyId }));
    expectRefused(await acme.gql(REPLAY, { input: { companyId: acme.companyId } }));
    expectRefused(await graphql(t.gatewayUrl, DEAD_LETTERS, {}), 'UNAUTHENTICATED');
  });

  it('replays a dead event, audited, and the worker then delivers it; the other company’s stays dead', async () => {
    const listed = await asOperator<DeadLetterPage>(DEAD_LETTERS, { companyId: acme.companyId });
    const id = listed.data!.deadLetters.edges[0]!.node.id;
    const requestId = `replay-${randomUUID()}`;
    const res = await graphql<{ replayDeadLetters: { replayed: number; userErrors: unknown[] } }>(
      t.gatewayUrl,
      REPLAY,
      { input: { companyId: acme.companyId, module: 'EMPLOYEES', ids: [id] } },
      { token: t.adminToken, headers: { 'x-request-id': requestId } },
    );
    expect(res.data?.replayDeadLetters).toEqual({ replayed: 1, userErrors: [] });

    const seen: string[] = [];
    expect(await drainTenant(acme.tenantDb, acme.modules, [consumer(seen)], logger)).toMatchObject({ delivered: 1, dead: 0 });
    expect(seen).toEqual([id]);
    expect((await asOperator<DeadLetterPage>(DEAD_LETTERS, { companyId: acme.companyId })).data?.deadLetters.totalCount).toBe(0);
    expect((await asOperator<DeadLetterPage>(DEAD_LETTERS, {})).data?.deadLetters.edges.map((e) => e.node.company.id)).toEqual([globex.companyId]);

    const audit = await asOperator<{ platformAuditLog: { edges: Array<{ node: AuditNode }> } }>(PLATFORM_AUDIT, { filter: { action: 'replayDeadLetters' } });
    expect(audit.data?.platformAuditLog.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ module: null, entity: 'Company', entityId: acme.companyId, actorKind: 'ADMIN', credential: 'ADMIN_TOKEN', requestId }),
    ]);
    expect(JSON.parse(audit.data!.platformAuditLog.edges[0]!.node.after!)).toEqual({ module: 'EMPLOYEES', ids: [id], replayed: 1 });
  });

  it('answers bad replays with user errors', async () => {
    const replay = (input: Record<string, unknown>) =>
      asOperator<{ replayDeadLetters: { replayed: number; userErrors: Array<{ code: string }> } }>(REPLAY, { input });
    expect((await replay({ companyId: randomUUID() })).data?.replayDeadLetters).toEqual({
      replayed: 0,
      userErrors: [{ field: ['companyId'], code: 'NOT_FOUND' }],
    });
    expect((await replay({ companyId: acme.companyId, ids: ['nope'] })).data?.replayDeadLetters.userErrors).toEqual([
      { field: ['ids', '0'], code: 'INVALID_ID' },
    ]);
    expect((await replay({ companyId: acme.companyId, module: 'PAYROLL' })).data?.replayDeadLetters.userErrors).toEqual([
      { field: ['module'], code: 'MODULE_NOT_SUBSCRIBED' },
    ]);
  });
});

describe('audit logs', () => {
  let admin: Awaited<ReturnType<typeof member>>;
  let viewer: Awaited<ReturnType<typeof member>>;

  beforeAll(async () => {
    admin = await member(t, t.adminToken, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
    // Invited by the administrator: a control-plane change in the administrator's name.
    viewer = await member(t, admin.accessToken, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    for (const who of [admin.gql, admin.gql, acme.gql, globex.gql]) {
      const tag = randomUUID().slice(0, 8);
      const res = await who<{ hireEmployee: { userErrors: unknown[] } }>(HIRE, {
        input: { firstName: 'Ada', lastName: `Ops ${tag}`, email: `ada-${tag}@example.com`, hireDate: '2026-01-05' },
      });
      expect(res.data?.hireEmployee.userErrors).toEqual([]);
    }
  });

  it('shows a company administrator the company’s own log, newest first, filtered and paged', async () => {
    const all = await admin.gql<AuditPage>(AUDIT_LOG, { companyId: acme.companyId, filter: { action: 'hireEmployee' } });
    expect(all.errors).toBeUndefined();
    const entries = all.data!.auditLog.edges.map((e) => e.node);
    expect(entries.filter((e) => e.entity === 'employee')).toHaveLength(3);
    expect(entries.every((e) => e.action === 'hireEmployee' && e.module === 'EMPLOYEES' && e.actorKind === null)).toBe(true);
    const ids = entries.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const byAdmin = await admin.gql<AuditPage>(AUDIT_LOG, { companyId: acme.companyId, filter: { actor: admin.email.toUpperCase(), entity: 'employee' } });
    const mine = byAdmin.data!.auditLog.edges.map((e) => e.node);
    expect(mine).toHaveLength(2);
    expect(mine.every((e) => e.actorEmail === admin.email && e.credential === 'SESSION')).toBe(true);
    const byUserId = await admin.gql<AuditPage>(AUDIT_LOG, { companyId: acme.companyId, filter: { actor: mine[0]!.actorUserId, entity: 'employee' } });
    expect(byUserId.data?.auditLog.edges.map((e) => e.node.id)).toEqual(mine.map((e) => e.id));
    const byKey = await admin.gql<AuditPage>(AUDIT_LOG, { companyId: acme.companyId, filter: { actor: acme.keyId, entity: 'employee' } });
    expect(byKey.data?.auditLog.edges.map((e) => e.node.keyId)).toEqual([acme.keyId]);

    const page1 = await admin.gql<AuditPage>(AUDIT_LOG, { companyId: acme.companyId, filter: { entity: 'employee' }, first: 2 });
    expect(page1.data?.auditLog.pageInfo.hasNextPage).toBe(true);
    const page2 = await admin.gql<AuditPage>(AUDIT_LOG, {
      companyId: acme.companyId,
      filter: { entity: 'employee' },
      first: 2,
      after: page1.data?.auditLog.pageInfo.endCursor,
    });
    const paged = [...page1.data!.auditLog.edges, ...page2.data!.auditLog.edges].map((e) => e.node.id);
    expect(paged).toEqual(entries.filter((e) => e.entity === 'employee').map((e) => e.id));

    const future = await admin.gql<AuditPage>(AUDIT_LOG, { companyId: acme.companyId, filter: { from: '2999-01-01T00:00:00Z' } });
    expect(future.data?.auditLog.edges).toEqual([]);
    expectRefused(await admin.gql(AUDIT_LOG, { companyId: acme.companyId, first: 101 }), 'BAD_USER_INPUT');
  });

  it('refuses a member without company:audit.read', async () => {
    expectRefused(await viewer.gql(AUDIT_LOG, { companyId: acme.companyId }));
  });

  it('never shows one company another’s log, and never the platform’s', async () => {
    expectRefused(await admin.gql(AUDIT_LOG, { companyId: globex.companyId }));
    expectRefused(await acme.gql(AUDIT_LOG, { companyId: globex.companyId }));
    expectRefused(await globex.gql(AUDIT_LOG, { companyId: acme.companyId }));
    expectRefused(await admin.gql(PLATFORM_AUDIT));
    expectRefused(await acme.gql(PLATFORM_AUDIT));
    const own = await globex.gql<AuditPage>(AUDIT_LOG, { companyId: globex.companyId, filter: { entity: 'employee' } });
    expect(own.data?.auditLog.edges.map((e) => e.node.keyId)).toEqual([globex.keyId]);
  });

  it('lets the operator read any company’s log and the platform’s, filtered by actor', async () => {
    const acmeLog = await asOperator<AuditPage>(AUDIT_LOG, { companyId: acme.companyId, filter: { entity: 'employee' } });
    expect(acmeLog.data?.auditLog.edges).toHaveLength(3);
    const approvals = await asOperator<{ platformAuditLog: { edges: Array<{ node: AuditNode }> } }>(PLATFORM_AUDIT, {
      filter: { action: 'approveSubscriptionRequest' },
    });
    expect(approvals.data?.platformAuditLog.edges.length).toBeGreaterThanOrEqual(2);
    const invitedByAdmin = await asOperator<{ platformAuditLog: { edges: Array<{ node: AuditNode }> } }>(PLATFORM_AUDIT, { filter: { actor: admin.email } });
    expect(invitedByAdmin.data?.platformAuditLog.edges.map((e) => [e.node.action, e.node.actorEmail])).toEqual([['inviteMember', admin.email]]);
    expectRefused(await asOperator(AUDIT_LOG, { companyId: randomUUID() }), 'BAD_USER_INPUT');
  });
});

describe('module status', () => {
  type Status = { moduleStatus: Array<{ service: string; module: string | null; ready: boolean; detail: string | null; checkedAt: string }> };

  it('refuses a company credential', async () => {
    expectRefused(await acme.gql(MODULE_STATUS));
  });

  it('probes every subgraph, and names the one that stopped answering', async () => {
    const ready = await asOperator<Status>(MODULE_STATUS);
    expect(ready.data?.moduleStatus.map((s) => [s.service, s.module, s.ready, s.detail])).toEqual([
      ['access', null, true, null],
      ['assets', 'ASSETS', true, null],
      ['employees', 'EMPLOYEES', true, null],
      ['finance', 'FINANCE', true, null],
      ['payroll', 'PAYROLL', true, null],
    ]);
    await t.stack.subgraphs.find((s) => s.name === 'payroll')!.stop();
    const after = await asOperator<Status>(MODULE_STATUS);
    expect(after.data?.moduleStatus.find((s) => s.service === 'payroll')).toMatchObject({ ready: false, detail: 'unreachable' });
    expect(after.data?.moduleStatus.filter((s) => s.ready).map((s) => s.service)).toEqual(['access', 'assets', 'employees', 'finance']);
  });
});

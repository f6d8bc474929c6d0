import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { serviceConfig } from '../../platform/db-roles';
import { createLogger } from '../../platform/logger';
import { ServiceRuntime } from '../../platform/runtime';
import { startWorker } from '../../worker/main';
import type { OutboxWorker } from '../../worker/service';
import { RevokeAccessKeyDocument } from '../generated/operations';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { hireSomeone } from '../support/employees-fixtures';
import { eventOf, liveStream, openLiveStream, type LiveStreamClient, type NextData } from '../support/live-updates';
import { deliverEvents } from '../support/events';
import { hireWithContract, mutateOk, payrollOperation } from '../support/payroll-fixtures';
import { graphql, startExtraGateway, startTestStack, type TestStack } from '../support/stack';

// Live updates across gateway replicas: changes go through gateway 1, the
// real worker relays them from the outboxes to the control plane, and clients
// of gateway 2 receive them over SSE from its one LISTEN connection.

const EVENTS = /* GraphQL */ `
  subscription Events($types: [String!]) {
    events(types: $types) {
      id
      seq
      type
      module
      occurredAt
      ... on PayRunStateChanged {
        payRunId
        status
        periodStart
        periodEnd
        payDate
      }
      ... on EmployeeHired {
        employeeId
        employeeNumber
      }
    }
  }
`;

interface Event {
  id: string;
  seq: string;
  type: string;
  module: string;
  occurredAt: string;
  payRunId?: string;
  status?: string;
  employeeId?: string;
}

const logger = createLogger('test', 'silent');
const period = { periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-30' };
let database: TestDatabase;
let t: TestStack;
let gateway2: Awaited<ReturnType<typeof startExtraGateway>>;
let gateway2Url: string;
let runtime: ServiceRuntime;
let worker: OutboxWorker;
let acme: GatewayCompany<'approver' | 'noPayroll'>;
let beta: GatewayCompany;
const opened: LiveStreamClient[] = [];

async function stream(token: string, options: { url?: string; lastEventId?: string | null; types?: string[] } = {}): Promise<LiveStreamClient> {
  const client = await liveStream(options.url ?? gateway2Url, {
    token,
    query: EVENTS,
    variables: options.types ? { types: options.types } : {},
    lastEventId: options.lastEventId,
  });
  opened.push(client);
  return client;
}

const isPayRun = (payRunId: string) => (m: { data: unknown }) => (m.data as NextData<Event>).data?.events?.payRunId === payRunId;

beforeAll(async () => {
  database = await createTestDatabase();
  t = await startTestStack({ database });
  gateway2 = await startExtraGateway(t);
  gateway2Url = gateway2.gateway.url;
  acme = await createCompany(t, {
    name: 'Live Acme',
    modules: ['EMPLOYEES', 'FINANCE', 'PAYROLL'],
    keys: { approver: { modules: ['PAYROLL'] }, noPayroll: { modules: ['EMPLOYEES', 'FINANCE'] } },
  });
  beta = await createCompany(t, { name: 'Live Beta', modules: ['EMPLOYEES', 'PAYROLL'] });
  await hireWithContract(acme, { firstName: 'Ana', lastName: 'Silva', email: 'ana@live.example', hireDate: '2025-12-01', salary: '4200.00' });
  // Payroll learns the contract before the worker starts, so the run below has a payslip to post.
  await deliverEvents(database.config, database.db, acme.slug);
  runtime = new ServiceRuntime(serviceConfig(database.config, 'worker'), logger);
  worker = await startWorker(runtime);
});
afterAll(async () => {
  for (const c of opened) c.close();
  await worker?.stop();
  await runtime?.close();
  await gateway2?.stop();
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
  await database?.drop();
});

describe('live updates over SSE', () => {
  it('takes the credentials /graphql takes, refusing with the same codes', async () => {
    const bad = 'fluxo_live_notakey0000000000000000000000';
    const query = { query: EVENTS };
    const missing = await openLiveStream(gateway2Url, query);
    expect(missing).toMatchObject({ ok: false, status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const refused = await openLiveStream(gateway2Url, { ...query, token: bad });
    const graphqlRefusal = await graphql(gateway2Url, '{ __typename }', undefined, { token: bad });
    expect(refused).toMatchObject({ ok: false, status: graphqlRefusal.status, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect(graphqlRefusal.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const operator = await openLiveStream(gateway2Url, { ...query, token: t.adminToken });
    expect(operator).toMatchObject({ ok: false, status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
    const notAStream = await fetch(`${gateway2Url}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.secret}` },
      body: JSON.stringify(query),
    });
    expect(notAStream.status).toBe(406);
    expect(await notAStream.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_ACCEPTABLE' } }] });
  });

  it('serves a GET with the operation in the URL, as EventSource sends it, and lists what the credential receives', async () => {
    const query = encodeURIComponent('query { liveEventTypes { name permission } }');
    const res = await fetch(`${gateway2Url}/stream?query=${query}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${acme.keys.noPayroll.secret}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const body = await res.text();
    const data = JSON.parse(/event: next\ndata: (.*)\n/.exec(body)![1]!) as { data: { liveEventTypes: Array<{ name: string }> } };
    const names = data.data.liveEventTypes.map((t) => t.name);
    expect(names).toContain('employee.hired.v1');
    expect(names).toContain('finance.journal_entry.posted.v1');
    expect(names.filter((n) => n.startsWith('payroll.'))).toEqual([]);
  });

  it('refuses, with a code, an operation that does not parse or does not validate', async () => {
    const broken = await openLiveStream(gateway2Url, { token: acme.secret, query: 'subscription { events {' });
    expect(broken).toMatchObject({ ok: false, status: 400, body: { errors: [{ extensions: { code: expect.any(String) } }] } });
    const invalid = await liveStream(gateway2Url, { token: acme.secret, query: 'subscription { events { salary } }' });
    const [refusal] = await invalid.collect(1, () => true);
    expect((refusal!.data as NextData).errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    opened.push(invalid);
    // The stream's schema has no mutations: a client's mistake, not a fault.
    const mutation = await liveStream(gateway2Url, { token: acme.secret, query: 'mutation { events }' });
    const [notRun] = await mutation.collect(1, () => true);
    expect((notRun!.data as NextData).errors![0]!.extensions!.code).toBe('BAD_REQUEST');
    opened.push(mutation);
  });

  it('refuses, with a code in the stream, event types unknown or not granted', async () => {
    const unknown = await stream(acme.secret, { types: ['payroll.pay_run.paid.v9'] });
    const [first] = await unknown.collect(1, () => true);
    expect((first!.data as NextData).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const noPayroll = await stream(acme.keys.noPayroll.secret, { types: ['payroll.pay_run.posted.v1'] });
    const [refusal] = await noPayroll.collect(1, () => true);
    expect((refusal!.data as NextData).errors![0]!.extensions!.code).toBe('MODULE_NOT_SUBSCRIBED');
    await noPayroll.ended;
    expect(noPayroll.messages.map((m) => m.event)).toEqual(['next', 'complete']);
  });

  it('shows a pay run’s state changes made through gateway 1 on gateway 2, in order, to its own company only; a reconnect misses nothing', async () => {
    const watcher = await stream(acme.secret);
    const leaving = await stream(acme.secret);
    const betaClient = await stream(beta.secret);
    const noPayroll = await stream(acme.keys.noPayroll.secret);

    const created = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', { input: period });
    const payRunId = created.payRun.id;
    await mutateOk(acme, payrollOperation('CalculatePayRun'), 'calculatePayRun', { input: { payRunId } });
    const [draft, calculated] = await leaving.collect(2, isPayRun(payRunId));
    expect([draft, calculated].map((m) => eventOf<Event>(m!).status)).toEqual(['DRAFT', 'CALCULATED']);
    leaving.close();

    await mutateOk(acme.keys.approver, payrollOperation('ApprovePayRun'), 'approvePayRun', { input: { payRunId } });
    await mutateOk(acme, payrollOperation('PostPayRun'), 'postPayRun', { input: { payRunId } });
    const seen = await watcher.collect(4, isPayRun(payRunId));
    const events = seen.map((m) => eventOf<Event>(m));
    expect(events.map((e) => [e.type, e.status])).toEqual([
      ['payroll.pay_run.created.v1', 'DRAFT'],
      ['payroll.pay_run.calculated.v1', 'CALCULATED'],
      ['payroll.pay_run.approved.v1', 'APPROVED'],
      ['payroll.pay_run.posted.v1', 'POSTED'],
    ]);
    expect(events[3]).toMatchObject({ module: 'PAYROLL', payRunId, periodStart: period.periodStart, periodEnd: period.periodEnd, payDate: period.payDate });
    // Each message's SSE id is the event's seq, increasing.
    expect(seen.map((m) => m.id)).toEqual(events.map((e) => e.seq));
    const seqs = events.map((e) => BigInt(e.seq));
    expect([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(seqs);

    // Back after missing the approval and the posting: they come first, once each, then what happens next.
    const back = await stream(acme.secret, { lastEventId: calculated!.id });
    const resumed = await back.collect(2, isPayRun(payRunId));
    expect(resumed.map((m) => eventOf<Event>(m).status)).toEqual(['APPROVED', 'POSTED']);
    expect(resumed.map((m) => m.id)).toEqual([seen[2]!.id, seen[3]!.id]);
    // No position before the replay: a client dropping mid-replay resumes from what it really received.
    expect(back.ids.slice(0, 2)).toEqual([seen[2]!.id, seen[3]!.id]);
    // A fresh stream starts with its position, before any event.
    expect(BigInt(watcher.ids[0]!)).toBeLessThan(BigInt(seen[0]!.id!));
    // Finance booked the posting: its journal entry follows, heard by both.
    const [entry] = await back.collect(1, (m) => eventOf<Event>(m).type === 'finance.journal_entry.posted.v1');
    await watcher.collect(1, (m) => eventOf<Event>(m).id === eventOf<Event>(entry!).id);
    const hired = await hireSomeone(acme);
    const [hire] = await back.collect(1, (m) => eventOf<Event>(m).type === 'employee.hired.v1');
    expect(eventOf<Event>(hire!).employeeId).toBe(hired.id);
    const ids = back.messages.filter((m) => m.event === 'next').map((m) => eventOf<Event>(m).id);
    expect(new Set(ids).size).toBe(ids.length);

    // The key without PAYROLL (but with FINANCE and EMPLOYEES) heard the ledger entry and the hire, and no payroll event before them.
    const noPayrollEvents = await noPayroll.collect(2, () => true);
    expect(noPayrollEvents.map((m) => eventOf<Event>(m).type)).toEqual(['finance.journal_entry.posted.v1', 'employee.hired.v1']);
    expect(eventOf<Event>(noPayrollEvents[1]!).employeeId).toBe(hired.id);

    // Beta's client heard none of acme's events: its first is beta's own pay run.
    const betaRun = await mutateOk(beta, payrollOperation('CreatePayRun'), 'createPayRun', { input: period });
    const [firstOfBeta] = await betaClient.collect(1, () => true);
    expect(eventOf<Event>(firstOfBeta!)).toMatchObject({ type: 'payroll.pay_run.created.v1', payRunId: betaRun.payRun.id });
  });

  it('tells a client whose Last-Event-ID is older than the retention window, with a code', async () => {
    const watcher = await stream(acme.secret);
    const first = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', {
      input: { periodStart: '2026-02-01', periodEnd: '2026-02-28', payDate: '2026-02-27' },
    });
    const [old] = await watcher.collect(1, isPayRun(first.payRun.id));
    const second = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', {
      input: { periodStart: '2026-03-01', periodEnd: '2026-03-31', payDate: '2026-03-30' },
    });
    const [kept] = await watcher.collect(1, isPayRun(second.payRun.id));
    // As the retention would: the oldest events go, `old` and the one after it included.
    await database.db.deleteFrom('public_event').where('seq', '<=', kept!.id!).execute();

    const late = await stream(acme.secret, { lastEventId: old!.id });
    const [refusal] = await late.collect(1, () => true);
    expect((refusal!.data as NextData).errors![0]!.extensions).toMatchObject({ code: 'LAST_EVENT_ID_EXPIRED', lastEventId: old!.id });
    await late.ended;

    const malformed = await stream(acme.secret, { lastEventId: 'yesterday' });
    const [bad] = await malformed.collect(1, () => true);
    expect((bad!.data as NextData).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('catches up after its LISTEN connection drops: an event nobody announced still arrives', async () => {
    const client = await stream(acme.secret);
    const id = randomUUID();
    // Recorded without NOTIFY, as if announced while the connection was down.
    await database.db
      .insertInto('public_event')
      .values({
        id,
        company_id: acme.companyId,
        type: 'payroll.pay_run.cancelled.v1',
        module: 'PAYROLL',
        occurred_at: new Date(),
        payload: JSON.stringify({ payRunId: randomUUID(), periodStart: '2026-04-01', periodEnd: '2026-04-30', payDate: '2026-04-30' }),
      })
      .execute();
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'fluxo-gateway-live-updates'`.execute(
      database.db,
    );
    const [caught] = await client.collect(1, (m) => eventOf<Event>(m).id === id);
    expect(eventOf<Event>(caught!)).toMatchObject({ type: 'payroll.pay_run.cancelled.v1', status: 'CANCELLED' });
  });

  it('ends the streams of a key when it is revoked, on every gateway', async () => {
    const key = await issueKey(t, acme, ['PAYROLL']);
    const client = await stream(key.secret);
    const revoked = await graphql(t.gatewayUrl, RevokeAccessKeyDocument, { input: { accessKeyId: key.keyId } }, { token: t.adminToken });
    expect(revoked.errors).toBeUndefined();
    await client.ended;
    expect(client.messages.map((m) => m.event)).toEqual(['complete']);
    const again = await openLiveStream(gateway2Url, { token: key.secret, query: EVENTS });
    expect(again).toMatchObject({ ok: false, status: 401 });
  });

  it('ends open streams when a gateway stops, so its drain finishes', async () => {
    const extra = await startExtraGateway(t);
    const client = await stream(acme.secret, { url: extra.gateway.url });
    await extra.stop();
    await client.ended;
    expect(client.messages.map((m) => m.event)).toEqual(['complete']);
  });
});

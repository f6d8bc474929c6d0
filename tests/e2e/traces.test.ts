import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateAdminToken } from '../../platform/access-key-format';
import { subgraphPortVariable } from '../../platform/config';
import { freePort } from '../../platform/listen';
import { discoverSubgraphs } from '../../platform/subgraphs';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testRoleEnvironment } from '../support/db-roles';
import { employeesOperation } from '../support/employees-fixtures';
import { OVERVIEW } from '../support/overview';
import { startOtlpReceiver, SPAN_KIND, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { graphql } from '../support/stack';

/**
 * Traces of the product as it runs: `fluxo start` on the test's control plane,
 * every service its own process exporting to a collector this test runs. One
 * request across several subgraphs is one trace, gateway → fetch → subgraph →
 * SQL; an event's relay and consumption link to the request that wrote it; and
 * no attribute of any span holds a credential or a person's data.
 */
const root = path.resolve(__dirname, '..', '..');
const START_MILLIS = 180_000;

let receiver: OtlpReceiver;
let database: TestDatabase;
let company: Company;
let dataDir: string;
let gatewayUrl: string;
let adminToken: string;
let child: ChildProcess;
let exited: Promise<unknown>;
let output = '';
const person = { firstName: 'Ottilie', lastName: 'Quarendon', email: 'ottilie.quarendon@traced.example' };

async function started(): Promise<void> {
  let exit: unknown = null;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + START_MILLIS;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (exit) throw new Error(`fluxo start exited (${JSON.stringify(exit)}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`fluxo start did not print its banner:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  database = await createTestDatabase();
  company = await createCompany(database, { modules: ['EMPLOYEES', 'ASSETS', 'FINANCE', 'PAYROLL'] });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-traces-'));
  adminToken = generateAdminToken();
  const gatewayPort = await freePort();
  gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    FLUXO_TENANT_DB_PREFIX: database.config.tenantDatabasePrefix,
    FLUXO_SHARDS: `default=${database.config.shards.default}`,
    FLUXO_DEFAULT_SHARD: 'default',
    ...testRoleEnvironment(),
    // The key that wrapped the company's data keys when it was provisioned above.
    FLUXO_DATA_MASTER_KEY: database.config.secrets.dataMasterKey ?? '',
    FLUXO_DATA_DIR: dataDir,
    FLUXO_ADMIN_TOKEN: adminToken,
    PORT: String(gatewayPort),
    FLUXO_WORKER_METRICS_PORT: String(await freePort()),
    FLUXO_WORKER_POLL_MS: '200',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    LOG_LEVEL: 'info',
  };
  for (const manifest of discoverSubgraphs()) env[subgraphPortVariable(manifest.name)] = String(await freePort());
  child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await started();
}, START_MILLIS + 60_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await exited;
  }
  await company?.tenantDb.destroy();
  await database?.drop();
  await receiver?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** The spans of one trace by id. */
function byId(spans: ReceivedSpan[]): Map<string, ReceivedSpan> {
  return new Map(spans.map((s) => [s.spanId, s]));
}

/** A span's ancestors in its trace, nearest first; stops where a parent has not arrived. */
function ancestors(span: ReceivedSpan, spans: Map<string, ReceivedSpan>): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  for (let parent = span.parentSpanId && spans.get(span.parentSpanId); parent; parent = parent.parentSpanId && spans.get(parent.parentSpanId))
    chain.push(parent);
  return chain;
}

const isSql = (span: ReceivedSpan) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql';

let overviewTrace: { traceId: string; requestId: string };

it('one request across several subgraphs is one trace: gateway, fetch, subgraph and SQL spans, each under the right parent', async () => {
  const response = await graphql(gatewayUrl, OVERVIEW, {}, { token: company.secret });
  expect(response.errors).toBeUndefined();
  const requestId = response.headers.get('x-request-id')!;
  expect(requestId).toBeTruthy();

  // Done when every subgraph's server span of the request and the gateway's own server span have come.
  const trace = await receiver.until((spans) => {
    const gateway = spans.find((s) => s.service === 'fluxo-gateway' && s.kind === SPAN_KIND.server && s.attributes['fluxo.request_id'] === requestId);
    if (!gateway) return null;
    const mine = spans.filter((s) => s.traceId === gateway.traceId);
    const subgraphServers = mine.filter((s) => s.service !== 'fluxo-gateway' && s.kind === SPAN_KIND.server);
    const fetches = mine.filter((s) => s.name === 'gateway.fetch');
    return subgraphServers.length >= 3 && subgraphServers.length === fetches.length ? { gateway, mine, subgraphServers } : null;
  }, 'the overview request to reach the collector from the gateway and three subgraphs');
  const { gateway, mine, subgraphServers } = trace;
  overviewTrace = { traceId: gateway.traceId, requestId };

  // One trace: every span that names the request id belongs to it, and its root is the gateway's server span.
  expect(receiver.spans.filter((s) => s.attributes['fluxo.request_id'] === requestId).every((s) => s.traceId === gateway.traceId)).toBe(true);
  expect(gateway.parentSpanId).toBeNull();
  expect(gateway.attributes).toMatchObject({ 'fluxo.tenant': company.companyId, 'graphql.operation.name': 'Overview', 'fluxo.request_id': requestId });
  const services = new Set(subgraphServers.map((s) => s.service));
  expect(services.size).toBeGreaterThanOrEqual(3);
  expect([...services]).toEqual(expect.arrayContaining(['fluxo-access', 'fluxo-employees', 'fluxo-assets']));

  const spans = byId(mine);
  for (const server of subgraphServers) {
    // The subgraph's server span hangs under the gateway's HTTP client span of that fetch, under gateway.fetch, under the request.
    const chain = ancestors(server, spans);
    expect(chain[0]).toMatchObject({ service: 'fluxo-gateway', kind: SPAN_KIND.client });
    expect(chain.map((s) => s.name)).toEqual(expect.arrayContaining(['gateway.fetch', 'gateway.execute', 'gateway.request']));
    expect(chain.at(-1)!.spanId).toBe(gateway.spanId);
    expect(server.attributes).toMatchObject({
      'fluxo.tenant': company.companyId,
      'fluxo.module': server.service.replace('fluxo-', ''),
      'fluxo.request_id': requestId,
    });
  }

  // Each business subgraph ran SQL for it, and each statement hangs under that subgraph's server span.
  const statements = await receiver.until((all) => {
    const sqlSpans = all.filter((s) => s.traceId === gateway.traceId && isSql(s) && s.service !== 'fluxo-gateway');
    return new Set(sqlSpans.map((s) => s.service)).size >= 3 ? sqlSpans : null;
  }, 'SQL spans of three subgraphs');
  const everything = byId(receiver.spans.filter((s) => s.traceId === gateway.traceId));
  for (const statement of statements) {
    const chain = ancestors(statement, everything);
    const server = chain.find((s) => s.kind === SPAN_KIND.server);
    expect(server).toMatchObject({ service: statement.service });
    expect(chain.at(-1)!.spanId).toBe(gateway.spanId);
    expect(String(statement.attributes['db.statement'] ?? statement.attributes['db.query.text'])).toMatch(/\S/);
  }

  // The services' log lines of the request name its trace.
  const lines = output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(requestId))
    .map((line) => JSON.parse(line) as { service: string; traceId?: string });
  expect(new Set(lines.map((l) => l.service)).size).toBeGreaterThanOrEqual(2);
  for (const line of lines) expect(line.traceId).toBe(gateway.traceId);
}, 120_000);

it('an event is written, relayed and consumed in traces linked to the request that wrote it', async () => {
  const hired = await graphql<{ hireEmployee: { employee: { id: string } | null; userErrors: unknown[] } }>(
    gatewayUrl,
    employeesOperation('HireEmployee'),
    { input: { ...person, hireDate: '2026-01-05' } },
    { token: company.secret },
  );
  expect(hired.data?.hireEmployee.userErrors).toEqual([]);
  const requestId = hired.headers.get('x-request-id')!;

  const publish = await receiver.until(
    (spans) => spans.find((s) => s.name === 'outbox publish' && s.attributes['fluxo.request_id'] === requestId) ?? null,
    'the outbox publish span of the hire',
  );
  expect(publish).toMatchObject({ service: 'fluxo-employees', kind: SPAN_KIND.producer });
  expect(publish.attributes['fluxo.event_types']).toContain('EmployeeHired');

  const linked = (s: ReceivedSpan) => s.links.some((l) => l.traceId === publish.traceId && l.spanId === publish.spanId);
  const { relay, consumers } = await receiver.until((spans) => {
    const relaySpan = spans.find((s) => s.name === 'outbox relay EmployeeHired' && linked(s));
    const consumerSpans = relaySpan ? spans.filter((s) => s.parentSpanId === relaySpan.spanId && s.name === 'outbox consume EmployeeHired') : [];
    return relaySpan && consumerSpans.length > 0 ? { relay: relaySpan, consumers: consumerSpans } : null;
  }, 'the relay and consumer spans of EmployeeHired');
  // The relay is a trace of its own, linked (not parented) to the request's.
  expect(relay).toMatchObject({ service: 'fluxo-worker', kind: SPAN_KIND.consumer, parentSpanId: null });
  expect(relay.traceId).not.toBe(publish.traceId);
  expect(relay.attributes).toMatchObject({ 'fluxo.tenant': company.companyId, 'fluxo.module': 'employees', 'fluxo.request_id': requestId });
  for (const consumer of consumers) {
    expect(linked(consumer)).toBe(true);
    expect(consumer.attributes).toMatchObject({ 'fluxo.tenant': company.companyId, 'fluxo.source_module': 'employees' });
    expect(['assets', 'payroll', 'finance']).toContain(consumer.attributes['fluxo.module']);
  }
  // The consumer's own statements (inbox, effect) hang under its span.
  await receiver.until(
    (spans) => (spans.some((s) => isSql(s) && consumers.some((c) => c.spanId === s.parentSpanId)) ? true : null),
    "SQL spans under a consumer's span",
  );
}, 120_000);

it('no span attribute holds a key, a token, the signed context or personal data', async () => {
  // Both requests above were exported, so the scan covers the gateway, every subgraph and the worker.
  expect(overviewTrace).toBeDefined();
  const spans = receiver.spans;
  expect([...new Set(spans.map((s) => s.service))]).toEqual(
    expect.arrayContaining(['fluxo-gateway', 'fluxo-access', 'fluxo-employees', 'fluxo-assets', 'fluxo-worker']),
  );
  const values = spans.flatMap((s) =>
    s.allAttributes.flatMap((attributes) =>
      Object.entries(attributes).map(([name, value]) => ({ span: `${s.service} ${s.name}`, name, text: JSON.stringify(value) })),
    ),
  );
  // The scan reads real attributes: the tenant id is there, so a secret would be found the same way.
  expect(values.some((v) => v.text.includes(company.companyId))).toBe(true);
  expect(values.length).toBeGreaterThan(200);

  const forbidden = [company.secret, adminToken, person.firstName, person.lastName, person.email, 'Bearer'];
  const jwt = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+/;
  const leaks = values.filter((v) => forbidden.some((secret) => v.text.includes(secret)) || jwt.test(v.text));
  expect(leaks).toEqual([]);
  const sensitiveNames = values.filter((v) => /authorization|cookie|api[-_.]?key|x-fluxo-context|client\.address|user_agent/i.test(v.name));
  expect(sensitiveNames).toEqual([]);
}, 60_000);

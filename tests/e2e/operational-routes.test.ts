import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startExtraGateway, startTestStack, type TestStack } from '../support/stack';

// The routes an orchestrator and the operator's monitoring read beside /graphql:
// /health (alive), /ready (control plane and every subgraph answer) and /metrics.

let t: TestStack;
let acme: GatewayCompany;
let base: string;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Routes', modules: ['EMPLOYEES'] });
  base = new URL(t.gatewayUrl).origin;
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

it('answers /health while the process lives, without a credential', async () => {
  const res = await fetch(`${base}/health`);
  expect(res.status).toBe(200);
  // The release that answers: package.json's version, in the body and in a header on every response.
  const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  expect(await res.json()).toEqual({ status: 'ok', service: 'gateway', version });
  expect(res.headers.get('x-fluxo-version')).toBe(version);
  const graphqlAnswer = await graphql(t.gatewayUrl, '{ __typename }', undefined, { token: acme.secret });
  expect(graphqlAnswer.headers.get('x-fluxo-version')).toBe(version);
  // An answer is never to be kept (no-store), so it carries no ETag; nor does anything name the server's framework.
  expect(graphqlAnswer.headers.get('cache-control')).toBe('no-store');
  expect(graphqlAnswer.headers.get('etag')).toBeNull();
  expect(graphqlAnswer.headers.get('x-powered-by')).toBeNull();
});

it('is ready when the control plane and every subgraph answer', async () => {
  const res = await fetch(`${base}/ready`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { status: string; checks: Record<string, string> };
  expect(body.status).toBe('ready');
  expect(Object.keys(body.checks).sort()).toEqual(['access', 'assets', 'controlPlane', 'employees', 'finance', 'payroll']);
  expect(new Set(Object.values(body.checks))).toEqual(new Set(['ok']));
});

it('is not ready, and names the subgraph, when one does not answer', async () => {
  // A port that accepts nothing: a server opened and closed again.
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as { port: number };
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const subgraphUrls = Object.fromEntries(t.stack.subgraphs.map((s) => [s.name, s.name === 'payroll' ? `http://127.0.0.1:${port}/graphql` : s.url]));
  const extra = await startExtraGateway(t, { subgraphUrls });
  try {
    const res = await fetch(`${new URL(extra.gateway.url).origin}/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('unavailable');
    expect(body.checks.payroll).not.toBe('ok');
    expect(body.checks.employees).toBe('ok');
  } finally {
    await extra.stop();
  }
});

/** A request over its own connection, so the `Connection` header the gateway sent can be read. */
function rawRequest(url: string, body?: string): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json', authorization: `Bearer ${acme.secret}` } : {} },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

it('says it is draining once stopping begins, and answers with `Connection: close` until the grace period ends', async () => {
  const extra = await startExtraGateway(t, { drainGraceMillis: 3_000 });
  const origin = new URL(extra.gateway.url).origin;
  const before = await rawRequest(`${origin}/ready`);
  expect(before.status).toBe(200);
  expect(before.connection).toBe('keep-alive');
  const stopped = extra.stop();
  try {
    const ready = await rawRequest(`${origin}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'draining', checks: {} });
    const served = await rawRequest(extra.gateway.url, JSON.stringify({ query: '{ employees(first: 1) { edges { node { id } } } }' }));
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toMatchObject({ data: { employees: { edges: [] } } });
    expect(served.connection).toBe('close');
  } finally {
    await stopped;
  }
  // Once stopped it listens no more.
  await expect(rawRequest(`${origin}/ready`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

it('shows /metrics to the operator only, with the operations it served', async () => {
  await graphql(t.gatewayUrl, '{ me { company { slug } } }', undefined, { token: acme.secret });
  expect((await fetch(`${base}/metrics`)).status).toBe(401);
  expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${acme.secret}` } })).status).toBe(403);
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  expect(text).toMatch(/^fluxo_graphql_requests_total\{.*\} [1-9]/m);
  expect(text).toMatch(/^fluxo_subgraph_fetch_duration_seconds_count\{.*subgraph="access".*\} [1-9]/m);
});

import { createLogger } from '../../platform/logger';
import { ServiceRuntime } from '../../platform/runtime';
import { CONTEXT_HEADER, generateContextKeyPair, signTenantContext } from '../../platform/tenant-context';
import type { RunningService } from '../../platform/listen';
import { createSubgraph } from '../../subgraphs/employees/subgraph';
import { startSubgraph } from '../../subgraphs/kit/server';
import { createTestDatabase, type TestDatabase } from '../support/db';

/*
 * A subgraph's own HTTP handling (subgraphs/kit/server.ts, plain node:http in
 * front of Apollo): what it answers to requests that are not a well-formed,
 * signed GraphQL POST. Every refusal is JSON with a code, never a crash or a
 * stack trace, and the server keeps serving afterwards.
 */

const logger = createLogger('test', 'silent');
const keys = generateContextKeyPair();
let database: TestDatabase;
let runtime: ServiceRuntime;
let subgraph: RunningService;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, logger);
  subgraph = await startSubgraph(createSubgraph(runtime), { port: 0, portVariable: 'TEST_PORT', publicKey: keys.publicKey, logger });
});
afterAll(async () => {
  await subgraph?.stop();
  await runtime?.close();
  await database?.drop();
});

/** A context the gateway's key signed, for a caller without a company: enough to reach the schema. */
const anonymousContext = () =>
  signTenantContext(
    { kind: 'ANONYMOUS', keyId: null, user: null, sessionId: null, clientAddress: null, tenant: null, modules: [], grants: { permissions: [], scoped: {} } },
    keys.privateKey,
  );

async function send(
  path: string,
  init: RequestInit,
): Promise<{ status: number; body: { errors?: { message: string; extensions?: { code?: string } }[] } & Record<string, unknown> }> {
  const response = await fetch(subgraph.url.replace(/\/graphql$/, path), init);
  const text = await response.text();
  expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  return { status: response.status, body: JSON.parse(text) as never };
}

describe('subgraph HTTP', () => {
  it('answers a signed query', async () => {
    const res = await send('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: await anonymousContext() },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('type Employee');
  });

  it('refuses an unsigned query with UNAUTHENTICATED', async () => {
    const res = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a body that is not JSON with BAD_REQUEST', async () => {
    const res = await send('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: await anonymousContext() },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('refuses a body over 2 MB with PAYLOAD_TOO_LARGE, declared or not', async () => {
    const big = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(2 * 1024 * 1024)}` });
    const declared = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(declared.status).toBe(413);
    expect(declared.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    // Chunked: no content-length to go by, so the limit is counted as the body arrives.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(chunked.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown route with NOT_FOUND and serves /health', async () => {
    const missing = await send('/admin', { method: 'GET' });
    expect(missing.status).toBe(404);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const health = await send('/health', { method: 'GET' });
    expect(health).toEqual({ status: 200, body: { status: 'ok', service: 'employees' } });
  });
});

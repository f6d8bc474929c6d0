import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MeDocument, PlansDocument } from '../generated/operations';
import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// The front door of /graphql: every client mistake and every request over a
// limit is answered with 400 and a code in GraphQL's JSON shape, before Apollo
// parses or validates anything.
let t: TestStack;
let company: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  company = await createCompany(t, { name: 'Front Door Co', modules: ['ASSETS'] });
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

interface Raw {
  status: number;
  headers: Headers;
  text: string;
  json: Pick<GraphQLResponse<unknown>, 'data' | 'errors'>;
  ms: number;
}

/** Sends a body exactly as given (no JSON.stringify of a well-formed object), timing the round trip. */
async function send(body: string, headers: Record<string, string> = {}, method = 'POST'): Promise<Raw> {
  const started = performance.now();
  const response = await fetch(t.gatewayUrl, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' ? undefined : body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let json: Raw['json'] = {};
  try {
    json = JSON.parse(text) as Raw['json'];
  } catch {
    // Left empty: expectCoded400 then fails on the missing errors.
  }
  return { status: response.status, headers: response.headers, text, json, ms };
}

/** A 400 whose every error carries `code`, in GraphQL's JSON shape, with nothing about the server in it. */
function expectCoded400(res: Raw, code: string): void {
  expect({ status: res.status, code: res.json.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.json.errors!.every((e) => typeof e.message === 'string' && e.extensions?.code === code)).toBe(true);
  expect(res.text).not.toMatch(/<html|<pre|\bat \S+ \(|\.(ts|js):\d+|node_modules|\/work\/|stacktrace|INTERNAL_SERVER_ERROR/i);
}

/** About 25 KB: one field repeated 4,900 times, as the stall attack sends it (1 s of validation before the front door). */
const STALL_BARE = `{ ${'plans '.repeat(4_900)}}`;
/** About 25 KB: one field repeated with unique argument text; validation compares every pair (10 s before the front door). */
const STALL_ARGUMENTS = `{ ${Array.from({ length: 1_200 }, (_, i) => `plans(x: "${i.toString(36).padStart(8, 'q')}")`).join(' ')} }`;
/** About 25 KB of unique aliases of one field. */
const STALL_ALIASES = `{ ${Array.from({ length: 1_400 }, (_, i) => `a${i.toString(36)}: plans { code }`).join(' ')} }`;
const keyed = () => ({ authorization: `Bearer ${company.secret}` });

describe('the stall attack', () => {
  it.each([
    ['one field repeated', STALL_BARE],
    ['one field with unique arguments', STALL_ARGUMENTS],
    ['unique aliases', STALL_ALIASES],
  ])('refuses an anonymous ~25 KB query of %s quickly with 400 QUERY_TOO_LONG', async (_name, query) => {
    expect(query.length).toBeGreaterThan(20_000);
    const res = await send(JSON.stringify({ query }));
    expectCoded400(res, 'QUERY_TOO_LONG');
    expect(res.ms).toBeLessThan(200);
  });

  it('refuses it with a key too, each stage with its own code, before validation', async () => {
    const bare = await send(JSON.stringify({ query: STALL_BARE }), keyed());
    expectCoded400(bare, 'TOO_MANY_REPEATED_FIELDS');
    expect(bare.ms).toBeLessThan(200);
    expectCoded400(await send(JSON.stringify({ query: STALL_ARGUMENTS }), keyed()), 'TOO_MANY_TOKENS');
    const arguments600 = `{ ${Array.from({ length: 600 }, (_, i) => `plans(x: "${i}")`).join(' ')} }`;
    const args = await send(JSON.stringify({ query: arguments600 }), keyed());
    expectCoded400(args, 'TOO_MANY_REPEATED_FIELDS');
    expect(args.ms).toBeLessThan(200);
    expectCoded400(await send(JSON.stringify({ query: STALL_ALIASES }), keyed()), 'TOO_MANY_TOKENS');
    const unique = Array.from({ length: 2_100 }, (_, i) => `f${i}`).join(' ');
    expectCoded400(await send(JSON.stringify({ query: `{ ${unique} }` }), keyed()), 'TOO_MANY_FIELDS');
    expectCoded400(await send(JSON.stringify({ query: `{ ${'plans { code } '.repeat(21)}}` }), keyed()), 'TOO_MANY_REPEATED_FIELDS');
  });

  it('still serves the small queries a client sends (the control case)', async () => {
    const anonymous = await graphql(t.gatewayUrl, PlansDocument);
    expect(anonymous.errors).toBeUndefined();
    const keyed = await graphql(t.gatewayUrl, MeDocument, undefined, { token: company.secret });
    expect(keyed.errors).toBeUndefined();
    // A few repeats of a field are legal GraphQL and still served.
    const repeats = await send(JSON.stringify({ query: '{ plans { code } plans { code name } }' }));
    expect(repeats.status).toBe(200);
  });
});

describe('limits below the query', () => {
  it('refuses JSON variables nested 10,000 levels (60 KB) with 400, not 500', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const body = `{"query":"query($v: String) { plans { code } }","variables":{"v":${deep}}}`;
    // Anonymously the body is already too large; with a key its depth is refused before JSON.parse.
    expectCoded400(await send(body), 'BODY_TOO_LARGE');
    const withKey = await send(body, keyed());
    expectCoded400(withKey, 'JSON_TOO_DEEP');
    expect(withKey.ms).toBeLessThan(200);
    const arrays = await send(`{"query":"{ plans { code } }","variables":{"v":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`);
    expectCoded400(arrays, 'JSON_TOO_DEEP');
    // Brackets inside strings do not count.
    const inString = await send(JSON.stringify({ query: '{ plans { code } }', variables: { v: '['.repeat(100) } }));
    expect(inString.status).toBe(200);
  });

  it('refuses a body over the anonymous size limit, and accepts it with a key', async () => {
    const padding = 'x'.repeat(40_000);
    expectCoded400(await send(JSON.stringify({ query: '{ plans { code } }', variables: { padding } })), 'BODY_TOO_LARGE');
    const withKey = await send(JSON.stringify({ query: '{ plans { code } }', variables: { padding } }), keyed());
    expect(withKey.status).toBe(200);
  });

  it('refuses a query nested deeper than the limit before parsing it', async () => {
    expectCoded400(await send(JSON.stringify({ query: `${'{ a '.repeat(2_000)}${'}'.repeat(2_000)}` }), keyed()), 'QUERY_TOO_DEEP');
    expectCoded400(await send(JSON.stringify({ query: `${'{ a '.repeat(40)}${'}'.repeat(40)}` })), 'QUERY_TOO_DEEP');
  });

  it('refuses too many aliases and directives from an anonymous caller', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `p${i}: plans { code }`).join(' ');
    expectCoded400(await send(JSON.stringify({ query: `{ ${aliases} }` })), 'TOO_MANY_ALIASES');
    expectCoded400(await send(JSON.stringify({ query: `{ plans { code ${'@include(if: true) '.repeat(11)}} }` })), 'TOO_MANY_DIRECTIVES');
  });
});

describe('client mistakes', () => {
  it.each([
    ['malformed JSON', '{"query": "{ plans { code } }"', 'MALFORMED_JSON'],
    ['a JSON array (a batch)', '[{"query": "{ plans { code } }"}]', 'BAD_REQUEST'],
    ['an empty body', '', 'BAD_REQUEST'],
    ['a syntax error', JSON.stringify({ query: '{ plans { code }' }), 'GRAPHQL_PARSE_FAILED'],
  ])('answers %s with a coded 400', async (_name, body, code) => {
    expectCoded400(await send(body), code);
  });

  it('answers a wrong content type with a coded 400, not an HTML page', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expectCoded400(await send(JSON.stringify({ query: '{ plans { code } }' }), { 'content-type': type }), 'UNSUPPORTED_CONTENT_TYPE');
    }
  });

  it('answers an unknown or missing operationName with 400 OPERATION_RESOLUTION_FAILURE, not 500', async () => {
    const two = 'query A { plans { code } } query B { plans { name } }';
    expectCoded400(await send(JSON.stringify({ query: two, operationName: 'C' })), 'OPERATION_RESOLUTION_FAILURE');
    expectCoded400(await send(JSON.stringify({ query: two })), 'OPERATION_RESOLUTION_FAILURE');
    expectCoded400(await send(JSON.stringify({ query: '{ plans { code } }', operationName: 'Nope' })), 'OPERATION_RESOLUTION_FAILURE');
    const chosen = await send(JSON.stringify({ query: two, operationName: 'B' }));
    expect(chosen.status).toBe(200);
  });

  it('answers a subscription with a coded 400', async () => {
    const res = await send(JSON.stringify({ query: 'subscription { plans { code } }' }));
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions?.code).toMatch(/^(SUBSCRIPTION_NOT_SUPPORTED|GRAPHQL_VALIDATION_FAILED)$/);
    expect(res.text).not.toMatch(/INTERNAL_SERVER_ERROR|\.(ts|js):\d+/);
  });

  it('answers APQ protocol mistakes with coded 400s, and an unknown hash with PERSISTED_QUERY_NOT_FOUND', async () => {
    const query = '{ plans { code } }';
    const hash = createHash('sha256').update(query).digest('hex');
    const apq = (persistedQuery: unknown, withQuery = true) => send(JSON.stringify({ ...(withQuery ? { query } : {}), extensions: { persistedQuery } }));
    expectCoded400(await apq({ version: 1, sha256Hash: 'a'.repeat(64) }), 'PERSISTED_QUERY_HASH_MISMATCH');
    expectCoded400(await apq({ version: 2, sha256Hash: hash }), 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED');
    expectCoded400(await apq({ version: 1, sha256Hash: 'not-a-hash' }), 'BAD_REQUEST');
    const unknown = await apq({ version: 1, sha256Hash: 'b'.repeat(64) }, false);
    expect(unknown.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // The protocol done right registers and then runs by hash alone.
    expect((await apq({ version: 1, sha256Hash: hash })).status).toBe(200);
    const byHash = await apq({ version: 1, sha256Hash: hash }, false);
    expect(byHash.status).toBe(200);
    expect(byHash.json.errors).toBeUndefined();
  });

  it('bounds GET requests the same way', async () => {
    const url = (params: Record<string, string>) => `${t.gatewayUrl}?${new URLSearchParams(params).toString()}`;
    const get = async (params: Record<string, string>) => {
      const response = await fetch(url(params), { headers: { 'apollo-require-preflight': '1' } });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as Raw['json'], ms: 0 };
    };
    expect((await get({ query: '{ plans { code } }' })).status).toBe(200);
    expectCoded400(await get({ query: `{ ${'plans '.repeat(1_100)}}` }), 'TOO_MANY_TOKENS');
    expectCoded400(await get({ query: '{ plans { code } }', variables: `{"v":${'['.repeat(100)}${']'.repeat(100)}}` }), 'JSON_TOO_DEEP');
  });
});

describe('/metrics', () => {
  const metrics = (headers: Record<string, string> = {}) => fetch(new URL('/metrics', t.gatewayUrl), { headers });

  it('refuses a caller without the operator token with a coded 401, and a company key with 403', async () => {
    const anonymous = await metrics();
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as Raw['json']).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const keyed = await metrics({ authorization: `Bearer ${company.secret}` });
    expect(keyed.status).toBe(403);
    expect(((await keyed.json()) as Raw['json']).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('serves the figures to the operator', async () => {
    const res = await metrics({ authorization: `Bearer ${t.adminToken}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# HELP /m);
  });
});

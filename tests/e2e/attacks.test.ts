import { NO_GRANTS, fullGrants } from '../../platform/permissions';
import { base64url, SignJWT } from 'jose';
import type { ModuleName } from '../../platform/modules';
import { generateAccessKey, generateAdminToken } from '../../platform/access-key-format';
import { CONTEXT_HEADER, generateContextKeyPair, signTenantContext, type TenantContext } from '../../platform/tenant-context';
import { encodeCursor } from '../../subgraphs/kit/pagination';
import {
  ApproveSubscriptionRequestDocument,
  IssueAccessKeyDocument,
  MeDocument,
  RequestSubscriptionDocument,
  RevokeAccessKeyDocument,
} from '../generated/operations';
import type { Query } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

interface Provisioned extends GatewayCompany {
  /** What the gateway would sign for the company's first key. */
  context: TenantContext;
}

let t: TestStack;
let a: Provisioned;
let b: Provisioned;
/** A request left PENDING for the refusal tests. */
let pendingRequestId: string;

async function requestSubscription(companyName: string, modules: ModuleName[]): Promise<string> {
  const res = await graphql(t.gatewayUrl, RequestSubscriptionDocument, { input: { companyName, contactEmail: 'ops@example.com', modules, planCode: null } });
  expect(res.data!.requestSubscription.userErrors).toEqual([]);
  return res.data!.requestSubscription.request!.id;
}

async function provision(companyName: string, modules: ModuleName[]): Promise<Provisioned> {
  const company = await createCompany(t, { name: companyName, modules });
  return {
    ...company,
    context: {
      requestId: `attack-${company.slug}`,
      kind: 'STANDARD',
      keyId: company.keyId,
      user: null,
      sessionId: null,
      clientAddress: null,
      tenant: company.tenant,
      modules: company.modules,
      grants: fullGrants(company.modules),
    },
  };
}

/** No stack frames, no SQL, no internal error: what a refusal may show a client. */
function expectNothingLeaked(res: GraphQLResponse<unknown>): void {
  const body = JSON.stringify({ data: res.data, errors: res.errors });
  expect(body).not.toMatch(/\bat \S+ \(|\.(ts|js):\d+:\d+|\\n\s+at /);
  expect(body).not.toMatch(/stacktrace/i);
  expect(body).not.toMatch(/\bselect\s[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\s+"?\w+"?\s+set\b|\bdelete\s+from\b/i);
  expect(body).not.toMatch(/INTERNAL_SERVER_ERROR|relation "|syntax error at or near|violates|invalid input syntax|pg_|kysely/i);
}

function expectRefused(res: GraphQLResponse<unknown>, code: string, status?: number): void {
  expect(res.errors?.[0]?.extensions?.code).toBe(code);
  expect(res.errors!.every((e) => e.extensions?.code === code)).toBe(true);
  if (status !== undefined) expect(res.status).toBe(status);
  expectNothingLeaked(res);
}

async function countRows(table: 'access_key' | 'company' | 'audit_log', companyId?: string): Promise<number> {
  let query = t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n'));
  if (companyId && table === 'access_key') query = query.where('company_id', '=', companyId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

async function requestStatus(id: string): Promise<string> {
  return (await t.database.db.selectFrom('subscription_request').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
}

beforeAll(async () => {
  t = await startTestStack();
  a = await provision('Alpha Tools', ['ASSETS', 'EMPLOYEES']);
  b = await provision('Beta Foods', ['FINANCE', 'PAYROLL']);
  pendingRequestId = await requestSubscription('Gamma Pending', ['ASSETS']);
});
afterAll(async () => {
  await t?.stop();
});

const ME_DIRECT = '{ me { company { id slug } modules accessKey { id } } }';

describe('calling the access subgraph directly', () => {
  const direct = (context: string | null, query = ME_DIRECT) =>
    graphql(t.subgraphUrl('access'), query, undefined, { headers: context === null ? {} : { [CONTEXT_HEADER]: context } });

  it('serves a context genuinely signed by the gateway key (so the refusals below mean something)', async () => {
    const res = await direct(await signTenantContext(a.context, t.keys.privateKey));
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ me: { company: { id: a.companyId, slug: a.slug }, modules: ['ASSETS', 'EMPLOYEES'], accessKey: { id: a.keyId } } });
  });

  it('refuses a request without a context with 401', async () => {
    expectRefused(await direct(null), 'UNAUTHENTICATED', 401);
    expectRefused(await direct(null, '{ plans { code } }'), 'UNAUTHENTICATED', 401);
    expectRefused(await direct(''), 'UNAUTHENTICATED', 401);
  });

  it('refuses a context signed by another Ed25519 key with 401', async () => {
    const forged = await signTenantContext(a.context, generateContextKeyPair().privateKey);
    expectRefused(await direct(forged), 'UNAUTHENTICATED', 401);
    // A forged operator context is no better.
    const admin = await signTenantContext(
      { requestId: 'x', kind: 'ADMIN', keyId: null, user: null, sessionId: null, clientAddress: null, tenant: null, modules: [], grants: NO_GRANTS },
      generateContextKeyPair().privateKey,
    );
    expectRefused(await direct(admin, '{ companies { totalCount } }'), 'UNAUTHENTICATED', 401);
  });

  it('refuses an expired context signed with the real key with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ rid: 'old', knd: 'STANDARD', key: a.keyId, ten: a.context.tenant, mod: a.context.modules })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer('fluxo-gateway')
      .setAudience('fluxo-subgraphs')
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60)
      .sign(t.keys.privateKey);
    expectRefused(await direct(expired), 'UNAUTHENTICATED', 401);
  });

  it('refuses a genuine context whose tenant was changed after signing with 401', async () => {
    const [header, payload, signature] = (await signTenantContext(a.context, t.keys.privateKey)).split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
    const toB = { ...claims, ten: b.context.tenant, key: b.keyId };
    expectRefused(await direct(`${header}.${base64url.encode(JSON.stringify(toB))}.${signature}`), 'UNAUTHENTICATED', 401);
    const slugOnly = { ...claims, ten: { ...(claims.ten as object), slug: b.slug, companyId: b.companyId } };
    expectRefused(await direct(`${header}.${base64url.encode(JSON.stringify(slugOnly))}.${signature}`), 'UNAUTHENTICATED', 401);
  });

  it('refuses an unsigned context (alg none) with 401', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url.encode(
      JSON.stringify({ rid: 'none', knd: 'ADMIN', key: null, ten: null, mod: [], iss: 'fluxo-gateway', aud: 'fluxo-subgraphs', iat: now, exp: now + 30 }),
    );
    expectRefused(await direct(`${header}.${payload}.`, '{ companies { totalCount } }'), 'UNAUTHENTICATED', 401);
  });

  it('refuses the protected fields to a genuine anonymous context, and hides other companies from _entities', async () => {
    const anonymous = await signTenantContext(
      { requestId: 'anon', kind: 'ANONYMOUS', keyId: null, user: null, sessionId: null, clientAddress: null, tenant: null, modules: [], grants: NO_GRANTS },
      t.keys.privateKey,
    );
    expectRefused(await direct(anonymous, '{ subscriptionRequests { totalCount } }'), 'UNAUTHENTICATED');
    expectRefused(await direct(anonymous, ME_DIRECT), 'UNAUTHENTICATED');
    const entities = await direct(
      await signTenantContext(a.context, t.keys.privateKey),
      `{ _entities(representations: [{ __typename: "Company", id: "${b.companyId}" }, { __typename: "Company", id: "${a.companyId}" }]) { ... on Company { id slug } } }`,
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data).toEqual({ _entities: [null, { id: a.companyId, slug: a.slug }] });
  });
});

describe('credentials presented to the gateway', () => {
  const me = (headers: Record<string, string>) => graphql(t.gatewayUrl, MeDocument, undefined, { headers });

  it('refuses malformed keys with 401 UNAUTHENTICATED', async () => {
    for (const authorization of ['Bearer garbage', 'Bearer fluxo_zzz', `Bearer fluxo_${'0'.repeat(12)}_short`, 'Bearer ']) {
      expectRefused(await me({ authorization }), 'UNAUTHENTICATED', 401);
    }
    expectRefused(await me({ 'x-api-key': 'garbage' }), 'UNAUTHENTICATED', 401);
  });

  it('refuses a malformed Authorization header with 401 UNAUTHENTICATED', async () => {
    for (const authorization of ['Basic x', `Basic ${Buffer.from('user:pass').toString('base64')}`, 'Token abc', 'Bearer a b', a.secret]) {
      expectRefused(await me({ authorization }), 'UNAUTHENTICATED', 401);
    }
  });

  it('refuses a well-formed key nobody issued, and a real prefix with a wrong secret', async () => {
    expectRefused(await me({ authorization: `Bearer ${generateAccessKey().secret}` }), 'UNAUTHENTICATED', 401);
    const prefix = a.secret.split('_')[1]!;
    const wrongSecret = `fluxo_${prefix}_${generateAccessKey().secret.slice(-43)}`;
    expectRefused(await me({ authorization: `Bearer ${wrongSecret}` }), 'UNAUTHENTICATED', 401);
  });

  it('refuses a wrong admin token with 401 UNAUTHENTICATED', async () => {
    const res = await graphql(t.gatewayUrl, '{ companies { totalCount } }', undefined, { token: generateAdminToken() });
    expectRefused(res, 'UNAUTHENTICATED', 401);
    const genuine = await graphql(t.gatewayUrl, '{ companies { totalCount } }', undefined, { token: t.adminToken });
    expect(genuine.data).toEqual({ companies: { totalCount: 2 } });
  });

  it('refuses a revoked key with 401 UNAUTHENTICATED', async () => {
    const issued = await graphql(
      t.gatewayUrl,
      IssueAccessKeyDocument,
      { input: { companyId: a.companyId, name: 'Short-lived', kind: 'STANDARD', modules: ['ASSETS'] } },
      { token: t.adminToken },
    );
    const { accessKey, secret } = issued.data!.issueAccessKey;
    expect((await graphql(t.gatewayUrl, MeDocument, undefined, { token: secret! })).data!.me.accessKey!.id).toBe(accessKey!.id);
    const revoked = await graphql(t.gatewayUrl, RevokeAccessKeyDocument, { input: { accessKeyId: accessKey!.id } }, { token: t.adminToken });
    expect(revoked.data!.revokeAccessKey.userErrors).toEqual([]);
    // The NOTIFY that evicts the cached key is asynchronous: wait for it, with a deadline.
    const deadline = Date.now() + 1000;
    let res = await graphql(t.gatewayUrl, MeDocument, undefined, { token: secret! });
    while (res.status !== 401 && Date.now() < deadline) res = await graphql(t.gatewayUrl, MeDocument, undefined, { token: secret! });
    expectRefused(res, 'UNAUTHENTICATED', 401);
    expectRefused(await graphql(t.gatewayUrl, MeDocument, undefined, { headers: { 'x-api-key': secret! } }), 'UNAUTHENTICATED', 401);
  });
});

describe('anonymous callers', () => {
  const anonymous = <T = unknown>(query: string) => graphql<T>(t.gatewayUrl, query, undefined);

  it('may list plans (the control case)', async () => {
    const res = await anonymous<Pick<Query, 'plans'>>('{ plans { code } }');
    expect(res.status).toBe(200);
    expect(res.data!.plans).toHaveLength(4);
  });

  it('cannot read subscription requests, companies or me', async () => {
    for (const query of [
      '{ subscriptionRequests { totalCount } }',
      `{ subscriptionRequest(id: "${pendingRequestId}") { id } }`,
      '{ companies { totalCount } }',
      `{ company(id: "${a.companyId}") { id } }`,
      '{ me { modules } }',
    ]) {
      expectRefused(await anonymous(query), 'UNAUTHENTICATED', 401);
    }
  });

  it('cannot approve, reject or issue keys, and nothing changes', async () => {
    const keysBefore = await countRows('access_key');
    const companiesBefore = await countRows('company');
    const auditBefore = await countRows('audit_log');
    expectRefused(
      await anonymous(`mutation { approveSubscriptionRequest(input: { requestId: "${pendingRequestId}" }) { secret userErrors { code } } }`),
      'UNAUTHENTICATED',
      401,
    );
    expectRefused(
      await anonymous(`mutation { rejectSubscriptionRequest(input: { requestId: "${pendingRequestId}", reason: "spam" }) { userErrors { code } } }`),
      'UNAUTHENTICATED',
      401,
    );
    expectRefused(
      await anonymous(
        `mutation { issueAccessKey(input: { companyId: "${a.companyId}", name: "mine", kind: STANDARD, modules: [ASSETS] }) { secret userErrors { code } } }`,
      ),
      'UNAUTHENTICATED',
      401,
    );
    expectRefused(await anonymous(`mutation { revokeAccessKey(input: { accessKeyId: "${a.keyId}" }) { userErrors { code } } }`), 'UNAUTHENTICATED', 401);
    expect(await requestStatus(pendingRequestId)).toBe('PENDING');
    expect(await countRows('access_key')).toBe(keysBefore);
    expect(await countRows('company')).toBe(companiesBefore);
    expect(await countRows('audit_log')).toBe(auditBefore);
    const key = await t.database.db.selectFrom('access_key').select('revoked_at').where('id', '=', a.keyId).executeTakeFirstOrThrow();
    expect(key.revoked_at).toBeNull();
  });

  it('cannot smuggle protected root fields through fragments or aliases', async () => {
    const keysBefore = await countRows('access_key');
    const sneaky = [
      'query Q { ...Root } fragment Root on Query { subscriptionRequests { totalCount } }',
      'query Q { ...Outer } fragment Outer on Query { plans { code } ...Inner } fragment Inner on Query { companies { totalCount } }',
      '{ ... on Query { me { modules } } }',
      '{ plans: subscriptionRequests { totalCount } }',
      '{ plans { code } requests: subscriptionRequests { totalCount } }',
      `mutation M { ...Approve } fragment Approve on Mutation { approveSubscriptionRequest(input: { requestId: "${pendingRequestId}" }) { secret } }`,
      `mutation { requestSubscription: approveSubscriptionRequest(input: { requestId: "${pendingRequestId}" }) { secret } }`,
      `mutation { ... on Mutation { issueAccessKey(input: { companyId: "${a.companyId}", name: "x", kind: STANDARD, modules: [ASSETS] }) { secret } } }`,
    ];
    for (const query of sneaky) expectRefused(await anonymous(query), 'UNAUTHENTICATED', 401);
    expect(await requestStatus(pendingRequestId)).toBe('PENDING');
    expect(await countRows('access_key')).toBe(keysBefore);
  });
});

describe('company keys', () => {
  it('see only their own company through me', async () => {
    const meA = await graphql(t.gatewayUrl, MeDocument, undefined, { token: a.secret });
    const meB = await graphql(t.gatewayUrl, MeDocument, undefined, { token: b.secret });
    expect(meA.data!.me).toMatchObject({ company: { id: a.companyId, slug: a.slug }, modules: ['ASSETS', 'EMPLOYEES'], accessKey: { id: a.keyId } });
    expect(meB.data!.me).toMatchObject({ company: { id: b.companyId, slug: b.slug }, modules: ['FINANCE', 'PAYROLL'], accessKey: { id: b.keyId } });
  });

  it('cannot list subscription requests or companies, nor approve (FORBIDDEN)', async () => {
    expectRefused(await graphql(t.gatewayUrl, '{ subscriptionRequests { totalCount } }', undefined, { token: a.secret }), 'FORBIDDEN');
    expectRefused(await graphql(t.gatewayUrl, '{ companies { totalCount } }', undefined, { token: a.secret }), 'FORBIDDEN');
    const approve = await graphql(t.gatewayUrl, ApproveSubscriptionRequestDocument, { input: { requestId: pendingRequestId } }, { token: a.secret });
    expectRefused(approve, 'FORBIDDEN');
    expect(await requestStatus(pendingRequestId)).toBe('PENDING');
  });

  it('read their own company but not another one', async () => {
    const own = await graphql(t.gatewayUrl, `{ company(id: "${a.companyId}") { id slug } }`, undefined, { token: a.secret });
    expect(own.data).toEqual({ company: { id: a.companyId, slug: a.slug } });
    const other = await graphql<Pick<Query, 'company'>>(t.gatewayUrl, `{ company(id: "${b.companyId}") { id slug name accessKeys { prefix } } }`, undefined, {
      token: a.secret,
    });
    expectRefused(other, 'FORBIDDEN');
    expect(other.data?.company ?? null).toBeNull();
  });

  it('cannot issue or revoke keys of another company, and nothing is written', async () => {
    const keysOfB = await countRows('access_key', b.companyId);
    const auditBefore = await countRows('audit_log');
    const issue = await graphql(
      t.gatewayUrl,
      IssueAccessKeyDocument,
      { input: { companyId: b.companyId, name: 'Backdoor', kind: 'STANDARD', modules: ['FINANCE'] } },
      { token: a.secret },
    );
    expectRefused(issue, 'FORBIDDEN');
    const revoke = await graphql(t.gatewayUrl, RevokeAccessKeyDocument, { input: { accessKeyId: b.keyId } }, { token: a.secret });
    expect(revoke.errors).toBeUndefined();
    expect(revoke.data!.revokeAccessKey).toEqual({
      accessKey: null,
      userErrors: [{ field: ['input', 'accessKeyId'], message: expect.any(String), code: 'NOT_FOUND' }],
    });
    expectNothingLeaked(revoke);
    expect(await countRows('access_key', b.companyId)).toBe(keysOfB);
    expect(await countRows('audit_log')).toBe(auditBefore);
    const keyOfB = await t.database.db.selectFrom('access_key').select('revoked_at').where('id', '=', b.keyId).executeTakeFirstOrThrow();
    expect(keyOfB.revoked_at).toBeNull();
    // B's key still works.
    expect((await graphql(t.gatewayUrl, MeDocument, undefined, { token: b.secret })).data!.me.company.id).toBe(b.companyId);
  });

  it('cannot grant modules the company does not subscribe to (MODULE_NOT_SUBSCRIBED, nothing written)', async () => {
    const keysOfA = await countRows('access_key', a.companyId);
    const res = await graphql(
      t.gatewayUrl,
      IssueAccessKeyDocument,
      { input: { companyId: a.companyId, name: 'Too much', kind: 'STANDARD', modules: ['ASSETS', 'PAYROLL'] } },
      { token: a.secret },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.issueAccessKey).toEqual({
      accessKey: null,
      secret: null,
      userErrors: [{ field: ['input', 'modules'], message: expect.stringContaining('PAYROLL'), code: 'MODULE_NOT_SUBSCRIBED' }],
    });
    expect(await countRows('access_key', a.companyId)).toBe(keysOfA);
  });

  it('partner keys cannot issue keys, revoke keys or list them', async () => {
    const issued = await graphql(
      t.gatewayUrl,
      IssueAccessKeyDocument,
      { input: { companyId: a.companyId, name: 'Partner', kind: 'PARTNER', modules: ['ASSETS'] } },
      { token: t.adminToken },
    );
    const partner = issued.data!.issueAccessKey.secret!;
    const keysOfA = await countRows('access_key', a.companyId);
    const issue = await graphql(
      t.gatewayUrl,
      IssueAccessKeyDocument,
      { input: { companyId: a.companyId, name: 'Escalate', kind: 'STANDARD', modules: ['ASSETS'] } },
      { token: partner },
    );
    expectRefused(issue, 'FORBIDDEN');
    expectRefused(await graphql(t.gatewayUrl, RevokeAccessKeyDocument, { input: { accessKeyId: a.keyId } }, { token: partner }), 'FORBIDDEN');
    // An ad-hoc query is not in the persisted manifest, so a partner key is stopped before any subgraph.
    expectRefused(await graphql(t.gatewayUrl, '{ me { company { accessKeys { prefix } } } }', undefined, { token: partner }), 'PERSISTED_QUERY_NOT_FOUND', 403);
    expect(await countRows('access_key', a.companyId)).toBe(keysOfA);
    const keyOfA = await t.database.db.selectFrom('access_key').select('revoked_at').where('id', '=', a.keyId).executeTakeFirstOrThrow();
    expect(keyOfA.revoked_at).toBeNull();
  });
});

describe('inbound context headers', () => {
  it('are replaced by the gateway: A’s key still gets A, whatever context the client sends', async () => {
    const genuineB = await signTenantContext(b.context, t.keys.privateKey);
    const foreign = await signTenantContext(b.context, generateContextKeyPair().privateKey);
    const operator = await signTenantContext(
      { requestId: 'x', kind: 'ADMIN', keyId: null, user: null, sessionId: null, clientAddress: null, tenant: null, modules: [], grants: NO_GRANTS },
      t.keys.privateKey,
    );
    for (const spoofed of [genuineB, foreign, operator]) {
      const res = await graphql(t.gatewayUrl, MeDocument, undefined, { token: a.secret, headers: { [CONTEXT_HEADER]: spoofed, 'X-Fluxo-Context': spoofed } });
      expect(res.errors).toBeUndefined();
      expect(res.data!.me).toMatchObject({ company: { id: a.companyId, slug: a.slug }, modules: ['ASSETS', 'EMPLOYEES'] });
    }
    // Nor does a genuine operator context turn an anonymous caller into the operator.
    expectRefused(await graphql(t.gatewayUrl, '{ companies { totalCount } }', undefined, { headers: { [CONTEXT_HEADER]: operator } }), 'UNAUTHENTICATED', 401);
  });
});

describe('pagination input', () => {
  const list = (args: string) =>
    graphql<Pick<Query, 'subscriptionRequests'>>(t.gatewayUrl, `{ subscriptionRequests(${args}) { totalCount edges { cursor } } }`, undefined, {
      token: t.adminToken,
    });

  it('refuses a bad cursor with BAD_USER_INPUT', async () => {
    expectRefused(await list('after: "not-a-cursor"'), 'BAD_USER_INPUT');
  });

  it('refuses a well-encoded cursor with values this list never produced with BAD_USER_INPUT', async () => {
    for (const values of [
      ['yesterday', 'nope'],
      ['2026-01-05T09:30:00.000Z', 'not-a-uuid'],
      [1, 2],
      ['2026-02-30T00:00:00Z', a.companyId],
    ]) {
      expectRefused(await list(`after: "${encodeCursor(values)}"`), 'BAD_USER_INPUT');
      expectRefused(
        await graphql(t.gatewayUrl, `{ companies(after: "${encodeCursor(values)}") { totalCount } }`, undefined, { token: t.adminToken }),
        'BAD_USER_INPUT',
      );
    }
  });

  it('refuses a page larger than 100 or negative with BAD_USER_INPUT', async () => {
    expectRefused(await list('first: 1000'), 'BAD_USER_INPUT');
    expectRefused(await list('first: -1'), 'BAD_USER_INPUT');
    const ok = await list('first: 100');
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.subscriptionRequests.totalCount).toBe(3);
  });

  it('follows genuine cursors through every row exactly once (the control case)', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    type Page = { subscriptionRequests: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    for (let page = 0; page < 10; page += 1) {
      const res: GraphQLResponse<Page> = await graphql<Page, { after: string | null }>(
        t.gatewayUrl,
        'query Page($after: String) { subscriptionRequests(first: 1, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
        { token: t.adminToken },
      );
      expect(res.errors).toBeUndefined();
      seen.push(...res.data!.subscriptionRequests.edges.map((e) => e.node.id));
      if (!res.data!.subscriptionRequests.pageInfo.hasNextPage) break;
      after = res.data!.subscriptionRequests.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    const companies = await graphql<Pick<Query, 'companies'>>(t.gatewayUrl, '{ companies(first: 1) { pageInfo { endCursor } } }', undefined, {
      token: t.adminToken,
    });
    const rest = await graphql<Pick<Query, 'companies'>>(
      t.gatewayUrl,
      `{ companies(first: 5, after: "${companies.data!.companies.pageInfo.endCursor}") { edges { node { id } } } }`,
      undefined,
      { token: t.adminToken },
    );
    expect(rest.data!.companies.edges).toHaveLength(1);
  });
});

describe('query limits at the gateway', () => {
  it('refuses a query deeper than the limit', async () => {
    const nested = (levels: number) => `{ __type(name: "Query") { fields { type ${'{ ofType '.repeat(levels)}{ name }${' }'.repeat(levels)} } } }`;
    const res = await graphql(t.gatewayUrl, nested(11), undefined, { token: a.secret });
    expect(res.status).toBe(400);
    expect(res.errors![0]!.message).toMatch(/depth limit of 12 exceeded/);
    expectRefused(res, 'GRAPHQL_VALIDATION_FAILED');
    // Within the limit the same query is served.
    const shallow = await graphql<{ __type: { fields: unknown[] } }>(t.gatewayUrl, nested(7), undefined, { token: a.secret });
    expect(shallow.errors).toBeUndefined();
    expect(shallow.data!.__type.fields.length).toBeGreaterThan(0);
  });

  it('refuses a query with too many aliases', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `p${i}: plans { code }`).join(' ');
    const res = await graphql(t.gatewayUrl, `{ ${aliases(25)} }`, undefined, { token: a.secret });
    expect(res.status).toBe(400);
    expect(res.errors![0]!.message).toMatch(/more than 20 aliases/);
    expectRefused(res, 'TOO_MANY_ALIASES');
    const few = await graphql(t.gatewayUrl, `{ ${aliases(3)} }`, undefined, { token: a.secret });
    expect(few.errors).toBeUndefined();
  });

  it('refuses a document with too many tokens before parsing it (400, not 500)', async () => {
    const res = await graphql(t.gatewayUrl, `{ plans { ${'code '.repeat(6000)}} }`, undefined, { token: a.secret });
    expect(res.status).toBe(400);
    expect(res.errors![0]!.message).toMatch(/more than 5000 tokens/);
    expectRefused(res, 'TOO_MANY_TOKENS');
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED, not a server error', async () => {
    const res = await graphql(t.gatewayUrl, '{ plans { code }', undefined, { token: a.secret });
    expect(res.status).toBe(400);
    expectRefused(res, 'GRAPHQL_PARSE_FAILED');
  });
});

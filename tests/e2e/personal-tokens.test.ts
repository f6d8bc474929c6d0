import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { member, membershipIdOf, setMemberRoles } from '../support/people';
import manifest from '../../operations/manifest.json';
import { exampleVariables, graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// Keys with permissions, a read-only scope and an owner, through the real gateway.

let t: TestStack;
let acme: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Tokens', modules: ['EMPLOYEES', 'PAYROLL'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const CREATE = `mutation($input: CreatePersonalTokenInput!) { createPersonalToken(input: $input) {
  accessKey { id permissions readOnly owner { email } expiresAt } secret userErrors { field code } } }`;
const ISSUE = `mutation($input: IssueAccessKeyInput!) { issueAccessKey(input: $input) {
  accessKey { id permissions readOnly } secret userErrors { field code } } }`;
const READ = '{ employees(first: 1) { totalCount } }';
const HIRE = `mutation { hireEmployee(input: { firstName: "T", lastName: "K", email: "tk@acme.example", hireDate: "2026-01-05" }) { employee { id } userErrors { code } } }`;
const codes = (res: GraphQLResponse<unknown>) => (res.errors ?? []).map((e) => e.extensions?.code);

type Created = {
  accessKey: { id: string; permissions: string[] | null; readOnly: boolean; owner: { email: string } | null } | null;
  secret: string | null;
  userErrors: Array<{ code: string }>;
};

async function personalToken(
  gql: (q: string, v?: Record<string, unknown>) => Promise<GraphQLResponse<unknown>>,
  input: Record<string, unknown>,
): Promise<Created> {
  const res = (await gql(CREATE, { input })) as GraphQLResponse<{ createPersonalToken: Created }>;
  expect(res.errors).toBeUndefined();
  return res.data!.createPersonalToken;
}

const as = (secret: string) => (query: string, variables?: Record<string, unknown>) => graphql(t.gatewayUrl, query, variables, { token: secret });

describe('personal access tokens', () => {
  it('do what their owner may, and a read-only or narrower one less', async () => {
    const hr = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
    const full = await personalToken(hr.gql, { name: 'Sandbox' });
    expect(full.accessKey).toMatchObject({ permissions: null, readOnly: false, owner: { email: hr.email } });
    expect(codes(await as(full.secret!)(READ))).toEqual([]);
    expect(codes(await as(full.secret!)(HIRE))).toEqual([]);
    // The audit names the person and the token they used.
    const { rows } = await sql<{ actor_email: string; credential: string; key_id: string }>`
      SELECT actor_email, credential, key_id FROM audit.audit_log WHERE operation = 'hireEmployee' ORDER BY id DESC LIMIT 1`.execute(acme.tenantDb);
    expect(rows[0]).toEqual({ actor_email: hr.email, credential: 'PERSONAL_TOKEN', key_id: full.accessKey!.id });
    // The owner's roles bound the token: HR_MANAGER holds no payroll permission.
    expect(codes(await as(full.secret!)('{ payRuns(first: 1) { totalCount } }'))).toEqual(['FORBIDDEN']);

    const readOnly = await personalToken(hr.gql, { name: 'Reports', readOnly: true });
    expect(codes(await as(readOnly.secret!)(READ))).toEqual([]);
    expect(codes(await as(readOnly.secret!)(HIRE))).toEqual(['FORBIDDEN']);

    const narrow = await personalToken(hr.gql, { name: 'Directory', permissions: ['employees:directory.read'] });
    expect(narrow.accessKey!.permissions).toEqual(['employees:directory.read']);
    expect(codes(await as(narrow.secret!)(HIRE))).toEqual(['FORBIDDEN']);

    // me names the person behind the token, and the token.
    const me = await as(narrow.secret!)('{ me { user { email } accessKey { id } permissions } }');
    expect(me.data).toEqual({ me: { user: { email: hr.email }, accessKey: { id: narrow.accessKey!.id }, permissions: ['employees:directory.read'] } });
  });

  it('cannot name a permission the owner lacks', async () => {
    const viewer = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const wider = await personalToken(viewer.gql, { name: 'Wider', permissions: ['employees:manage'] });
    expect(wider).toEqual({ accessKey: null, secret: null, userErrors: [{ field: ['input', 'permissions'], code: 'PERMISSION_NOT_GRANTED' }] });
  });

  it('follow their owner: fewer roles narrow them, leaving the company ends them within a second', async () => {
    const admin = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
    const hr = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
    const token = await personalToken(hr.gql, { name: 'Script' });
    expect(codes(await as(token.secret!)(HIRE))).toEqual([]);
    const membershipId = await membershipIdOf(admin, acme.companyId, hr.email);
    await setMemberRoles(admin, membershipId, [{ role: 'HR_VIEWER' }]);
    const until = Date.now() + 1000;
    let res = await as(token.secret!)(HIRE);
    while (codes(res).length === 0 && Date.now() < until) res = await as(token.secret!)(HIRE);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    await admin.gql('mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }', { input: { membershipId } });
    const gone = Date.now() + 1000;
    res = await as(token.secret!)(READ);
    while (codes(res).length === 0 && Date.now() < gone) res = await as(token.secret!)(READ);
    expect(res.status).toBe(401);
  });

  it('stop at their expiry', async () => {
    const hr = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const token = await personalToken(hr.gql, { name: 'Short', expiresInDays: 1 });
    // A day is too long to wait: move this token's expiry into the past before its first use.
    await sql`UPDATE access_key SET expires_at = now() - interval '1 second' WHERE id = ${token.accessKey!.id}`.execute(t.database.db);
    expect((await as(token.secret!)(READ)).status).toBe(401);
    const fresh = await personalToken(hr.gql, { name: 'Fresh', expiresInDays: 1 });
    expect(codes(await as(fresh.secret!)(READ))).toEqual([]);
  });
});

describe('keys with permissions cannot widen themselves', () => {
  it('a key narrowed to reading issues no writing key, and its children inherit exactly what it holds', async () => {
    const issued = (await graphql<{ issueAccessKey: { secret: string; accessKey: { permissions: string[] } } }>(
      t.gatewayUrl,
      ISSUE,
      {
        input: {
          companyId: acme.companyId,
          name: 'Directory reader',
          kind: 'STANDARD',
          modules: ['EMPLOYEES'],
          permissions: ['employees:directory.read', 'company:keys.manage'],
        },
      },
      { token: acme.secret },
    ))!.data!.issueAccessKey;
    expect(issued.accessKey.permissions).toEqual(['company:keys.manage', 'employees:directory.read']);
    const reader = as(issued.secret);
    expect(codes(await reader(HIRE))).toEqual(['FORBIDDEN']);

    const escalate = (await reader(ISSUE, {
      input: { companyId: acme.companyId, name: 'Escalated', kind: 'STANDARD', modules: ['EMPLOYEES'], permissions: ['employees:manage'] },
    })) as GraphQLResponse<{ issueAccessKey: Created }>;
    expect(escalate.data!.issueAccessKey).toEqual({
      accessKey: null,
      secret: null,
      userErrors: [{ field: ['input', 'permissions'], code: 'PERMISSION_NOT_GRANTED' }],
    });

    const child = (await reader(ISSUE, { input: { companyId: acme.companyId, name: 'Child', kind: 'STANDARD', modules: ['EMPLOYEES'] } })) as GraphQLResponse<{
      issueAccessKey: Created;
    }>;
    expect(child.data!.issueAccessKey.accessKey!.permissions).toEqual(['company:keys.manage', 'employees:directory.read']);
    expect(codes(await as(child.data!.issueAccessKey.secret!)(HIRE))).toEqual(['FORBIDDEN']);
  });

  it('a read-only PARTNER key reads but cannot run a persisted mutation', async () => {
    const partner = await issueKey(t, acme, ['EMPLOYEES'], { kind: 'PARTNER' });
    const readOnly = (await as(partner.secret)(ISSUE, {
      input: { companyId: acme.companyId, name: 'x', kind: 'PARTNER', modules: ['EMPLOYEES'], readOnly: true },
    })) as GraphQLResponse<unknown>;
    // Partner keys run persisted operations only (and never manage keys); the operator issues the read-only partner key.
    expect(codes(readOnly)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const issued = await graphql<{ issueAccessKey: { secret: string } }>(
      t.gatewayUrl,
      ISSUE,
      { input: { companyId: acme.companyId, name: 'Partner reader', kind: 'PARTNER', modules: ['EMPLOYEES'], readOnly: true } },
      { token: t.adminToken },
    );
    const secret = issued.data!.issueAccessKey.secret;
    const byId = async (name: string, variables: Record<string, unknown>): Promise<GraphQLResponse<unknown>> => {
      const response = await fetch(t.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: manifest.operations.find((o) => o.name === name)!.id } } }),
      });
      return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
    };
    expect(codes(await byId('Employees', { first: 5 }))).toEqual([]);
    expect(codes(await byId('HireEmployee', exampleVariables('HireEmployee', { departmentId: randomUUID(), positionId: randomUUID() })))).toEqual([
      'FORBIDDEN',
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import { fullGrants } from '../../platform/permissions';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, signTenantContext, type TenantContext } from '../../platform/tenant-context';
import { createCompany, type GatewayCompany } from '../support/company';
import { INVITE, member } from '../support/people';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// Every audit row names the person and the credential behind a change: rows
// are read straight from the tenant's and the control plane's databases after
// real requests through the gateway (and, for the credentials the gateway does
// not hand out yet, straight to the subgraph with a context it would sign).

let t: TestStack;
let acme: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Audit', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const HIRE = `mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id } userErrors { code message } } }`;
const hireInput = () => {
  const tag = randomUUID().slice(0, 8);
  return { firstName: 'Ada', lastName: `Audit ${tag}`, email: `ada-${tag}@acme.example`, hireDate: '2026-01-05' };
};
const requestId = () => `audit-actor-${randomUUID()}`;
// The gateway signs the address its socket saw: the test client is on this machine.
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

/** The tenant audit rows of one request: who acted, as the columns record it. */
const tenantAuditOf = (rid: string) =>
  acme.tenantDb
    .selectFrom('audit.audit_log')
    .select(['module', 'operation', 'key_id', 'actor_user_id', 'actor_email', 'credential', 'client_address'])
    .where('request_id', '=', rid)
    .execute();

const globalAuditOf = (rid: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['operation', 'actor_kind', 'actor_id', 'actor_user_id', 'actor_email', 'credential', 'client_address'])
    .where('request_id', '=', rid)
    .execute();

async function hire(token: string, rid: string): Promise<void> {
  const res = await graphql<{ hireEmployee: { employee: { id: string } | null; userErrors: unknown[] } }>(
    t.gatewayUrl,
    HIRE,
    { input: hireInput() },
    { token, headers: { 'x-request-id': rid } },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.hireEmployee.userErrors).toEqual([]);
  expect(res.data?.hireEmployee.employee?.id).toEqual(expect.any(String));
}

async function inviteAs(token: string, rid: string): Promise<string> {
  const input = { companyId: acme.companyId, email: `invitee-${randomUUID().slice(0, 8)}@example.com`, roles: [{ role: 'HR_VIEWER' }] };
  const res = await graphql<{ inviteMember: { invitation: { id: string } | null; userErrors: unknown[] } }>(
    t.gatewayUrl,
    INVITE,
    { input },
    { token, headers: { 'x-request-id': rid } },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.inviteMember.userErrors).toEqual([]);
  return res.data!.inviteMember.invitation!.id;
}

/** The user id the control plane knows a person by. */
const userIdOf = async (email: string) => (await t.database.db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

describe('the tenant audit', () => {
  it('names the signed-in person, their e-mail and SESSION when a person hires', async () => {
    const manager = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
    const rid = requestId();
    await hire(manager.accessToken, rid);

    const rows = await tenantAuditOf(rid);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toEqual({
        module: 'EMPLOYEES',
        operation: 'hireEmployee',
        key_id: null,
        actor_user_id: await userIdOf(manager.email),
        actor_email: manager.email,
        credential: 'SESSION',
        client_address: expect.stringMatching(LOOPBACK),
      });
    }
  });

  it('names the access key and no person when the company key hires', async () => {
    const rid = requestId();
    await hire(acme.secret, rid);

    const rows = await tenantAuditOf(rid);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatchObject({ key_id: acme.keyId, actor_user_id: null, actor_email: null, credential: 'ACCESS_KEY' });
      expect(row.client_address).toMatch(LOOPBACK);
    }
  });

  // What the gateway would sign for a personal token (a key a person owns) and for a person the identity provider vouched for.
  it.each([
    ['PERSONAL_TOKEN', { keyId: 'personal-token-key' }],
    ['OIDC', { keyId: null }],
  ] as const)('records %s for a person who came through it', async (credential, { keyId }) => {
    const rid = requestId();
    const user = { id: randomUUID(), email: `oidc-${randomUUID().slice(0, 8)}@acme.example` };
    const context: TenantContext = {
      requestId: rid,
      kind: 'USER',
      keyId,
      user,
      sessionId: null,
      clientAddress: '203.0.113.7',
      tenant: acme.tenant,
      modules: ['EMPLOYEES'],
      grants: fullGrants(['EMPLOYEES']),
    };
    const res = await graphql<{ hireEmployee: { userErrors: unknown[] } }>(
      t.subgraphUrl('employees'),
      HIRE,
      { input: hireInput() },
      // As the gateway sends it: the request id in its own header, beside the signed context.
      { headers: { [CONTEXT_HEADER]: await signTenantContext(context, t.keys.privateKey), [REQUEST_ID_HEADER]: rid } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.hireEmployee.userErrors).toEqual([]);

    const rows = await tenantAuditOf(rid);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatchObject({ key_id: keyId, actor_user_id: user.id, actor_email: user.email, credential, client_address: '203.0.113.7' });
    }
  });
});

describe('the control-plane audit', () => {
  it('names the company administrator who invites someone with their session', async () => {
    const admin = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
    const rid = requestId();
    await inviteAs(admin.accessToken, rid);

    expect(await globalAuditOf(rid)).toEqual([
      {
        operation: 'inviteMember',
        actor_kind: 'USER',
        actor_id: null,
        actor_user_id: await userIdOf(admin.email),
        actor_email: admin.email,
        credential: 'SESSION',
        client_address: expect.stringMatching(LOOPBACK),
      },
    ]);
  });

  it('names the company key, and no person, when the key invites', async () => {
    const rid = requestId();
    await inviteAs(acme.secret, rid);

    expect(await globalAuditOf(rid)).toEqual([
      expect.objectContaining({ operation: 'inviteMember', actor_id: acme.keyId, actor_user_id: null, actor_email: null, credential: 'ACCESS_KEY' }),
    ]);
  });

  it('records ADMIN_TOKEN, and no person, when the operator acts with the admin token', async () => {
    const rid = requestId();
    await inviteAs(t.adminToken, rid);

    expect(await globalAuditOf(rid)).toEqual([
      {
        operation: 'inviteMember',
        actor_kind: 'ADMIN',
        actor_id: null,
        actor_user_id: null,
        actor_email: null,
        credential: 'ADMIN_TOKEN',
        client_address: expect.stringMatching(LOOPBACK),
      },
    ]);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { createCompany, type GatewayCompany } from '../support/company';
import { ACCEPT, invite, member } from '../support/people';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// What the browser consoles read through the public API: a requester's status
// link, the operator's view of tenants, open invitations, and how a company's
// people sign in. Each is also tried by callers who must be refused.

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
/** SQL the access subgraph sent while `recording` is on. */
const accessSql: string[] = [];
let recording = false;

beforeAll(async () => {
  t = await startTestStack({
    onQuery: (text, _database, subgraph) => {
      if (recording && subgraph === 'access') accessSql.push(text);
    },
  });
  acme = await createCompany(t, { name: 'Acme Console', modules: ['EMPLOYEES', 'FINANCE'] });
  beta = await createCompany(t, { name: 'Beta Console', modules: ['ASSETS'] });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

/** The access subgraph's SQL while `work` runs. */
async function sqlDuring(work: () => Promise<unknown>): Promise<string[]> {
  accessSql.length = 0;
  recording = true;
  try {
    await work();
  } finally {
    recording = false;
  }
  return [...accessSql];
}

const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code;

const REQUEST = `mutation($input: RequestSubscriptionInput!) { requestSubscription(input: $input) { request { id } statusToken userErrors { code } } }`;
const STATUS = `query($token: String!) { subscriptionRequestStatus(token: $token) {
  id status companyName modules planCode createdAt decidedAt rejectionReason company { name slug } } }`;
type StatusView = { id: string; status: string; companyName: string; modules: string[]; company: { name: string; slug: string } | null } | null;

describe('a requester follows their request with its status token', () => {
  let requestId: string;
  let token: string;

  beforeAll(async () => {
    const res = await graphql<{ requestSubscription: { request: { id: string }; statusToken: string } }>(t.gatewayUrl, REQUEST, {
      input: { companyName: 'Status Works', contactEmail: 'secret-contact@status.example', modules: ['FINANCE'], planCode: null },
    });
    requestId = res.data!.requestSubscription.request.id;
    token = res.data!.requestSubscription.statusToken;
  });

  it('gives the token once and keeps only its hash', async () => {
    expect(token).toMatch(/^fluxo_rs_[A-Za-z0-9_-]{43}$/);
    const row = await t.database.db.selectFrom('subscription_request').select('status_token_hash').where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(row.status_token_hash).toHaveLength(32);
    expect(row.status_token_hash!.toString('latin1')).not.toContain(token);
    const listed = await graphql<{ subscriptionRequest: Record<string, unknown> }>(
      t.gatewayUrl,
      'query($id: ID!) { subscriptionRequest(id: $id) { id status } }',
      { id: requestId },
      { token: t.adminToken },
    );
    expect(listed.data!.subscriptionRequest).toEqual({ id: requestId, status: 'PENDING' });
  });

  it('shows the request, anonymously, pending then approved with its company', async () => {
    const pending = await graphql<{ subscriptionRequestStatus: StatusView }>(t.gatewayUrl, STATUS, { token });
    expect(pending.errors).toBeUndefined();
    expect(pending.data!.subscriptionRequestStatus).toMatchObject({
      id: requestId,
      status: 'PENDING',
      companyName: 'Status Works',
      modules: ['FINANCE'],
      planCode: null,
      decidedAt: null,
      company: null,
    });
    const approved = await graphql<{ approveSubscriptionRequest: { userErrors: unknown[] } }>(
      t.gatewayUrl,
      'mutation($input: ApproveSubscriptionRequestInput!) { approveSubscriptionRequest(input: $input) { userErrors { code } } }',
      { input: { requestId } },
      { token: t.adminToken },
    );
    expect(approved.data!.approveSubscriptionRequest.userErrors).toEqual([]);
    const after = await graphql<{ subscriptionRequestStatus: StatusView }>(t.gatewayUrl, STATUS, { token });
    expect(after.data!.subscriptionRequestStatus).toMatchObject({ status: 'APPROVED', company: { name: 'Status Works', slug: 'status-works' } });
  });

  it('never shows the contact e-mail', async () => {
    const res = await graphql(
      t.gatewayUrl,
      `
        query ($token: String!) {
          subscriptionRequestStatus(token: $token) {
            id
            contactEmail
          }
        }
      `,
      { token },
    );
    expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(res)).not.toContain('secret-contact');
  });

  it('answers null to an unknown token after one lookup, and to a malformed one without asking the database', async () => {
    const unknown = `fluxo_rs_${randomBytes(32).toString('base64url')}`;
    let res: GraphQLResponse<{ subscriptionRequestStatus: StatusView }> | undefined;
    const unknownSql = await sqlDuring(async () => (res = await graphql(t.gatewayUrl, STATUS, { token: unknown })));
    expect(res!.errors).toBeUndefined();
    expect(res!.data!.subscriptionRequestStatus).toBeNull();
    expect(unknownSql.filter((q) => q.includes('status_token_hash'))).toHaveLength(1);

    for (const malformed of ['', 'nope', `${token}x`, token.slice(0, -1), token.replace('fluxo_rs_', 'fluxo_rt_'), `fluxo_rs_${'!'.repeat(43)}`]) {
      const malformedSql = await sqlDuring(async () => (res = await graphql(t.gatewayUrl, STATUS, { token: malformed })));
      expect(res!.errors).toBeUndefined();
      expect(res!.data!.subscriptionRequestStatus).toBeNull();
      expect(malformedSql).toEqual([]);
    }
  });

  it('shows a rejection with its reason, and no company', async () => {
    const requested = await graphql<{ requestSubscription: { request: { id: string }; statusToken: string } }>(t.gatewayUrl, REQUEST, {
      input: { companyName: 'Status Rejected', contactEmail: 'no@status.example', modules: ['ASSETS'], planCode: null },
    });
    const { request, statusToken } = requested.data!.requestSubscription;
    await graphql(
      t.gatewayUrl,
      'mutation($input: RejectSubscriptionRequestInput!) { rejectSubscriptionRequest(input: $input) { userErrors { code } } }',
      { input: { requestId: request.id, reason: 'duplicate of an earlier request' } },
      { token: t.adminToken },
    );
    const res = await graphql<{ subscriptionRequestStatus: StatusView }>(t.gatewayUrl, STATUS, { token: statusToken });
    expect(res.data!.subscriptionRequestStatus).toMatchObject({
      id: request.id,
      status: 'REJECTED',
      rejectionReason: 'duplicate of an earlier request',
      company: null,
    });
  });

  it('is not reachable by the request id, whoever asks', async () => {
    const byId = await graphql<{ subscriptionRequestStatus: StatusView }>(t.gatewayUrl, STATUS, { token: requestId }, { token: acme.secret });
    expect(byId.data!.subscriptionRequestStatus).toBeNull();
  });
});

const TENANTS = `query { companies(first: 50) { edges { node { id tenant { id databaseName shard status schemaVersions { owner version } lastError createdAt updatedAt } } } } }`;
type TenantView = { id: string; databaseName: string; shard: string; status: string; schemaVersions: Array<{ owner: string; version: string | null }> };

describe('Company.tenant', () => {
  it('shows the operator every company’s tenant in one statement', async () => {
    let res: GraphQLResponse<{ companies: { edges: Array<{ node: { id: string; tenant: TenantView | null } }> } }> | undefined;
    const statements = await sqlDuring(async () => (res = await graphql(t.gatewayUrl, TENANTS, undefined, { token: t.adminToken })));
    expect(res!.errors).toBeUndefined();
    const nodes = res!.data!.companies.edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    const acmeTenant = nodes.find((n) => n.id === acme.companyId)!.tenant!;
    expect(acmeTenant).toMatchObject({ id: acme.tenant.id, databaseName: acme.tenant.database, shard: acme.tenant.shard, status: 'ACTIVE', lastError: null });
    expect(acmeTenant.schemaVersions.map((v) => v.owner)).toEqual(['AUDIT', 'EMPLOYEES', 'FINANCE']);
    expect(acmeTenant.schemaVersions.every((v) => typeof v.version === 'string')).toBe(true);
    expect(nodes.every((n) => n.tenant !== null)).toBe(true);
    expect(statements.filter((q) => /from "tenant"/.test(q))).toHaveLength(1);
  });

  it('is FORBIDDEN to the company’s own key and its people', async () => {
    const owner = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'OWNER' }] });
    for (const caller of [acme.gql, owner.gql]) {
      const res = await caller<{ company: { id: string; tenant: unknown } }>('query($id: ID!) { company(id: $id) { id tenant { databaseName shard } } }', {
        id: acme.companyId,
      });
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(res.errors![0]!.path).toEqual(['company', 'tenant']);
      expect(res.data!.company).toEqual({ id: acme.companyId, tenant: null });
      expect(JSON.stringify(res)).not.toContain(acme.tenant.database);
    }
  });
});

const INVITATIONS = `query($companyId: ID!) { invitations(companyId: $companyId) { id email roles { role } expiresAt acceptedAt revokedAt } }`;
const REVOKE = `mutation($input: RevokeInvitationInput!) { revokeInvitation(input: $input) { invitation { id revokedAt } userErrors { field code } } }`;
type InvitationView = { id: string; email: string; revokedAt: string | null };
type RevokePayload = { revokeInvitation: { invitation: InvitationView | null; userErrors: Array<{ code: string }> } };

describe('open invitations', () => {
  it('lists only open invitations, newest first, to the operator and to a member who manages members', async () => {
    const accepted = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
    const firstEmail = `first-${randomUUID().slice(0, 8)}@example.com`;
    const secondEmail = `second-${randomUUID().slice(0, 8)}@example.com`;
    await invite(t, acme.secret, { companyId: acme.companyId, email: firstEmail, roles: [{ role: 'HR_VIEWER' }] });
    await invite(t, accepted.accessToken, { companyId: acme.companyId, email: secondEmail, roles: [{ role: 'ACCOUNTANT' }] });
    await invite(t, beta.secret, { companyId: beta.companyId, email: `beta-${randomUUID().slice(0, 8)}@example.com`, roles: [{ role: 'HR_VIEWER' }] });

    for (const token of [t.adminToken, accepted.accessToken]) {
      const res = await graphql<{ invitations: InvitationView[] }>(t.gatewayUrl, INVITATIONS, { companyId: acme.companyId }, { token });
      expect(res.errors).toBeUndefined();
      const emails = res.data!.invitations.map((i) => i.email);
      expect(emails.indexOf(secondEmail)).toBeLessThan(emails.indexOf(firstEmail));
      expect(emails.indexOf(firstEmail)).toBeGreaterThanOrEqual(0);
      expect(emails).not.toContain(accepted.email);
      expect(emails.some((e) => e.startsWith('beta-'))).toBe(false);
    }
  });

  it('refuses a member without company:members.manage, another company, and anonymous callers', async () => {
    const viewer = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    expect(codeOf(await viewer.gql(INVITATIONS, { companyId: acme.companyId }))).toBe('FORBIDDEN');
    expect(codeOf(await beta.gql(INVITATIONS, { companyId: acme.companyId }))).toBe('FORBIDDEN');
    const anonymous = await graphql(t.gatewayUrl, INVITATIONS, { companyId: acme.companyId });
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.length).toBeGreaterThan(0);
  });

  it('revokes an invitation: its token no longer accepts, and the revocation is audited', async () => {
    const email = `revoked-${randomUUID().slice(0, 8)}@example.com`;
    const token = await invite(t, acme.secret, { companyId: acme.companyId, email, roles: [{ role: 'HR_VIEWER' }] });
    const listed = await acme.gql<{ invitations: InvitationView[] }>(INVITATIONS, { companyId: acme.companyId });
    const invitationId = listed.data!.invitations.find((i) => i.email === email)!.id;

    // Another company's key cannot reach it: it does not exist for them.
    const foreign = await beta.gql<RevokePayload>(REVOKE, { input: { invitationId } });
    expect(foreign.data!.revokeInvitation.userErrors).toEqual([{ field: ['input', 'invitationId'], code: 'NOT_FOUND' }]);
    const viewer = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    expect(codeOf(await viewer.gql(REVOKE, { input: { invitationId } }))).toBe('FORBIDDEN');

    const revoked = await acme.gql<RevokePayload>(REVOKE, { input: { invitationId } });
    expect(revoked.data!.revokeInvitation.userErrors).toEqual([]);
    expect(revoked.data!.revokeInvitation.invitation!.revokedAt).not.toBeNull();
    const again = await acme.gql<RevokePayload>(REVOKE, { input: { invitationId } });
    expect(again.data!.revokeInvitation.userErrors).toEqual([{ field: ['input', 'invitationId'], code: 'ALREADY_REVOKED' }]);

    const accept = await graphql<{ acceptInvitation: { accessToken: string | null; userErrors: Array<{ code: string }> } }>(t.gatewayUrl, ACCEPT, {
      input: { token, password: `correct horse ${randomUUID()}` },
    });
    expect(accept.data!.acceptInvitation.accessToken).toBeNull();
    expect(accept.data!.acceptInvitation.userErrors.map((e) => e.code)).toEqual(['INVALID_INVITATION']);
    const after = await acme.gql<{ invitations: InvitationView[] }>(INVITATIONS, { companyId: acme.companyId });
    expect(after.data!.invitations.map((i) => i.id)).not.toContain(invitationId);

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['operation', 'actor_kind', 'actor_id'])
      .where('entity', '=', 'invitation')
      .where('entity_id', '=', invitationId)
      .where('operation', '=', 'revokeInvitation')
      .execute();
    expect(audit).toEqual([{ operation: 'revokeInvitation', actor_kind: 'STANDARD', actor_id: acme.keyId }]);
  });

  it('does not revoke an accepted invitation', async () => {
    const joined = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const row = await t.database.db.selectFrom('invitation').select('id').where('email', '=', joined.email).executeTakeFirstOrThrow();
    const res = await graphql<RevokePayload>(t.gatewayUrl, REVOKE, { input: { invitationId: row.id } }, { token: t.adminToken });
    expect(res.data!.revokeInvitation.userErrors).toEqual([{ field: ['input', 'invitationId'], code: 'ALREADY_ACCEPTED' }]);
  });
});

const OPTIONS = `query($company: String!) { signInOptions(company: $company) { password identityProvider { issuer clientId scopes } } }`;
type Options = { signInOptions: { password: boolean; identityProvider: { issuer: string; clientId: string; scopes: string[] } | null } };

describe('signInOptions', () => {
  it('names the company’s provider to anyone, and answers an unknown slug like a company without one', async () => {
    const set = await graphql<{ setIdentityProvider: { userErrors: unknown[] } }>(
      t.gatewayUrl,
      'mutation($input: SetIdentityProviderInput!) { setIdentityProvider(input: $input) { userErrors { code } } }',
      { input: { companyId: acme.companyId, issuer: 'https://login.acme.example', clientId: 'acme-console' } },
      { token: t.adminToken },
    );
    expect(set.data!.setIdentityProvider.userErrors).toEqual([]);

    const withProvider = await graphql<Options>(t.gatewayUrl, OPTIONS, { company: acme.slug });
    expect(withProvider.errors).toBeUndefined();
    expect(withProvider.data!.signInOptions).toEqual({
      password: true,
      identityProvider: { issuer: 'https://login.acme.example', clientId: 'acme-console', scopes: ['openid', 'email', 'profile'] },
    });

    const without = await graphql<Options>(t.gatewayUrl, OPTIONS, { company: beta.slug });
    const unknown = await graphql<Options>(t.gatewayUrl, OPTIONS, { company: `no-such-${randomUUID()}` });
    expect(without.data).toEqual({ signInOptions: { password: true, identityProvider: null } });
    expect(unknown.data).toEqual(without.data);
    expect(unknown.status).toBe(without.status);
  });
});

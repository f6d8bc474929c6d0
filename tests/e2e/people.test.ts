import { generateKeyPairSync } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { signAccessToken } from '../../platform/session-token';
import { createCompany, type GatewayCompany } from '../support/company';
import { accept, invite, member, membershipIdOf, personClient, refresh, signIn, tokensOf } from '../support/people';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// People through the real gateway: invitation, sign-in, permissions, refresh
// rotation, sign-out, removal, and the attacks on each.

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme People', modules: ['EMPLOYEES', 'PAYROLL', 'FINANCE'] });
  beta = await createCompany(t, { name: 'Beta People', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

const codes = (res: GraphQLResponse<unknown>) => (res.errors ?? []).map((e) => e.extensions?.code);
const ME = '{ me { company { id } user { email } accessKey { id } permissions } }';
const HIRE = `mutation { hireEmployee(input: { firstName: "A", lastName: "B", email: "ab@acme.example", hireDate: "2026-01-05" }) { employee { id } userErrors { code } } }`;

/** The answer to `me` with `token` once it is refused, trying for up to a second (a deadline, not a sleep): gateways hear of revocations within one. */
async function onceRefused(token: string): Promise<GraphQLResponse<unknown>> {
  const until = Date.now() + 1000;
  let res = await personClient(t, token)(ME);
  while (!res.errors && Date.now() < until) res = await personClient(t, token)(ME);
  return res;
}

function expectRefused(res: GraphQLResponse<unknown>, code: string, status?: number): void {
  if (status !== undefined) expect(res.status).toBe(status);
  expect(res.status).toBeLessThan(500);
  expect(res.data?.constructor === Object ? Object.values(res.data).every((v) => v === null) : true).toBe(true);
  expect(codes(res)).toEqual([code]);
}

describe('a first session as a person', () => {
  it('is invited with a role, accepts with a password, and holds exactly that role’s permissions', async () => {
    const viewer = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const me = await viewer.gql<{ me: { company: { id: string }; user: { email: string }; accessKey: unknown; permissions: string[] } }>(ME);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({
      company: { id: acme.companyId },
      user: { email: viewer.email },
      accessKey: null,
      permissions: ['company:read', 'employees:directory.read'],
    });

    expect((await viewer.gql('{ employees(first: 5) { totalCount } }')).errors).toBeUndefined();
    const hire = await viewer.gql(HIRE);
    expectRefused(hire, 'FORBIDDEN');
    expect(hire.errors![0]!.extensions!.permission).toBe('employees:manage');
    // A module the role does not reach is forbidden; one the company lacks is not subscribed.
    expectRefused(await viewer.gql('{ payRuns(first: 1) { totalCount } }'), 'FORBIDDEN');
  });

  it('signs in again with e-mail and password, refreshes, and signs out', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ACCOUNTANT' }] });
    const signedIn = tokensOf((await signIn(t, { email: person.email.toUpperCase(), password: person.password })).data!.signIn);
    expect((await personClient(t, signedIn.accessToken)('{ trialBalance(asOf: "2026-01-31") { totalDebit } }')).errors).toBeUndefined();

    const rotated = tokensOf((await refresh(t, signedIn.refreshToken)).data!.refreshSession);
    expect(rotated.sessionId).toBe(signedIn.sessionId);
    expect(rotated.refreshToken).not.toBe(signedIn.refreshToken);

    const out = await personClient(t, rotated.accessToken)('mutation { signOut { revokedSessions userErrors { code } } }');
    expect(out.data).toEqual({ signOut: { revokedSessions: 1, userErrors: [] } });
    const after = await onceRefused(rotated.accessToken);
    expectRefused(after, 'UNAUTHENTICATED', 401);
    expect(after.errors![0]!.extensions!.reason).toBe('SESSION_ENDED');
    expect((await refresh(t, rotated.refreshToken)).data!.refreshSession.userErrors.map((e) => e.code)).toEqual(['SESSION_ENDED']);
    // The other session of the same person (from the invitation) still works.
    expect((await person.gql(ME)).errors).toBeUndefined();
  });
});

describe('ending every session of a person', () => {
  it('a person ends all their own sessions; nobody else’s', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const second = tokensOf((await signIn(t, { email: person.email, password: person.password })).data!.signIn);
    const other = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const me = await person.gql<{ me: { user: { id: string } } }>('{ me { user { id } } }');
    const otherId = (await other.gql<{ me: { user: { id: string } } }>('{ me { user { id } } }')).data!.me.user.id;
    const REVOKE = 'mutation($input: RevokeUserSessionsInput!) { revokeUserSessions(input: $input) { revokedSessions userErrors { code } } }';
    expectRefused(await person.gql(REVOKE, { input: { userId: otherId } }), 'FORBIDDEN');
    const revoked = await person.gql(REVOKE, { input: { userId: me.data!.me.user.id } });
    expect(revoked.data).toEqual({ revokeUserSessions: { revokedSessions: 2, userErrors: [] } });
    for (const token of [person.accessToken, second.accessToken]) expectRefused(await onceRefused(token), 'UNAUTHENTICATED', 401);
    expect((await other.gql(ME)).errors).toBeUndefined();
  });
});

describe('sign-in attacks', () => {
  it('does not tell an unknown e-mail from a wrong password', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const wrong = await signIn(t, { email: person.email, password: 'not the password at all' });
    const unknown = await signIn(t, { email: 'nobody-here@example.com', password: 'not the password at all' });
    expect(wrong.data).toEqual(unknown.data);
    expect(wrong.data!.signIn.userErrors).toEqual([{ field: ['input'], code: 'INVALID_CREDENTIALS', message: 'The e-mail or the password is not right' }]);
  });

  it('locks an account after repeated failures: then even the right password is refused the same way', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    for (let i = 0; i < 5; i += 1) await signIn(t, { email: person.email, password: `guess number ${i} of many` });
    const right = await signIn(t, { email: person.email, password: person.password });
    expect(right.data!.signIn.userErrors.map((e) => e.code)).toEqual(['INVALID_CREDENTIALS']);
    expect(right.data!.signIn.accessToken).toBeNull();
  });

  it('revokes the whole session when a spent refresh token comes back', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const next = tokensOf((await refresh(t, person.refreshToken)).data!.refreshSession);
    const replay = await refresh(t, person.refreshToken);
    expect(replay.data!.refreshSession.userErrors.map((e) => e.code)).toEqual(['REFRESH_TOKEN_REUSED']);
    // The thief's copy and the owner's newer tokens are both dead.
    expect((await refresh(t, next.refreshToken)).data!.refreshSession.userErrors.map((e) => e.code)).toEqual(['SESSION_ENDED']);
    expectRefused(await onceRefused(next.accessToken), 'UNAUTHENTICATED', 401);
  });

  it('keeps a token to its company: company A’s token reaches nothing of company B', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
    const other = await person.gql<{ company: unknown }>('query($id: ID!) { company(id: $id) { id } }', { id: beta.companyId });
    expect(other.data?.company ?? null).toBeNull();
    expectRefused(
      await person.gql('mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }', {
        input: { companyId: beta.companyId, email: 'x@example.com', roles: [{ role: 'ADMIN' }] },
      }),
      'FORBIDDEN',
    );
    // Naming company B at sign-in is refused: the person is not a member there.
    const atBeta = await signIn(t, { email: person.email, password: person.password, companyId: beta.companyId });
    expect(atBeta.data!.signIn.userErrors.map((e) => e.code)).toEqual(['NOT_A_MEMBER']);
  });

  it('refuses forged, expired, early, foreign and confused tokens with 401, never a 5xx', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const [, payload] = person.accessToken.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const foreign = generateKeyPairSync('ed25519');
    const publicPem = t.sessionKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const forged = [
      // alg none
      `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`,
      // HS256 keyed with our public key (algorithm confusion)
      await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(new TextEncoder().encode(publicPem)),
      // another issuer's key
      await signAccessToken({ userId: claims.sub as string, sessionId: claims.sid as string, companyId: acme.companyId }, foreign.privateKey),
      // expired, and not yet valid, with our real key
      await new SignJWT({ ...claims, exp: now - 60, iat: now - 960, nbf: now - 960 })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
        .sign(t.sessionKeys.privateKey),
      await new SignJWT({ ...claims, nbf: now + 600, iat: now, exp: now + 900 })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
        .sign(t.sessionKeys.privateKey),
      // genuine signature, but claiming company B for the session of company A
      await signAccessToken({ userId: claims.sub as string, sessionId: claims.sid as string, companyId: beta.companyId }, t.sessionKeys.privateKey),
    ];
    const reasons: unknown[] = [];
    for (const token of forged) {
      const res = await graphql(t.gatewayUrl, ME, undefined, { token });
      expectRefused(res, 'UNAUTHENTICATED', 401);
      reasons.push(res.errors![0]!.extensions!.reason);
    }
    expect(reasons).toEqual(['TOKEN_INVALID', 'TOKEN_INVALID', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_INVALID', 'SESSION_ENDED']);
  });

  it('stops a removed member within a second', async () => {
    const admin = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
    const clerk = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    expect((await clerk.gql(ME)).errors).toBeUndefined();
    const membershipId = await membershipIdOf(admin, acme.companyId, clerk.email);
    const removed = await admin.gql<{ removeMember: { userErrors: unknown[] } }>(
      'mutation($input: RemoveMemberInput!) { removeMember(input: $input) { member { id } userErrors { code } } }',
      { input: { membershipId } },
    );
    expect(removed.data!.removeMember.userErrors).toEqual([]);
    const refusedBy = Date.now() + 1000;
    let res = await clerk.gql(ME);
    while (!res.errors && Date.now() < refusedBy) res = await clerk.gql(ME);
    expectRefused(res, 'UNAUTHENTICATED', 401);
  });
});

describe('who may hand out what', () => {
  it('a member with members.manage invites only within their own permissions; nobody changes their own roles', async () => {
    const hr = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
    const denied = await hr.gql('mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }', {
      input: { companyId: acme.companyId, email: 'new@acme.example', roles: [{ role: 'HR_VIEWER' }] },
    });
    expectRefused(denied, 'FORBIDDEN');

    const hrAdmin = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
    const custom = await graphql<{ createCompanyRole: { userErrors: Array<{ code: string }> } }>(
      t.gatewayUrl,
      'mutation($input: CreateCompanyRoleInput!) { createCompanyRole(input: $input) { role { code } userErrors { code } } }',
      {
        input: {
          companyId: acme.companyId,
          code: 'PEOPLE_DESK',
          name: 'People desk',
          scope: 'COMPANY',
          permissions: ['company:read', 'company:members.manage', 'employees:directory.read'],
        },
      },
      { token: acme.secret },
    );
    expect(custom.data!.createCompanyRole.userErrors).toEqual([]);
    const desk = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'PEOPLE_DESK' }] });
    const wider = await desk.gql<{ inviteMember: { token: string | null; userErrors: Array<{ code: string }> } }>(
      'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token userErrors { code } } }',
      { input: { companyId: acme.companyId, email: 'boss@acme.example', roles: [{ role: 'ADMIN' }] } },
    );
    expect(wider.data!.inviteMember).toEqual({ token: null, userErrors: [{ code: 'PERMISSION_NOT_HELD' }] });
    const within = await invite(t, desk.accessToken, { companyId: acme.companyId, email: 'reader@acme.example', roles: [{ role: 'HR_VIEWER' }] });
    expect((await accept(t, within, 'a long enough password')).accessToken).toEqual(expect.any(String));
    expect(hrAdmin.email).toContain('@');
  });
});

describe('operators as people', () => {
  it('the bootstrap token creates an operator, who signs in without a company and acts as the operator', async () => {
    const created = await graphql<{ createOperator: { user: { email: string; isOperator: boolean } | null; userErrors: unknown[] } }>(
      t.gatewayUrl,
      'mutation($input: CreateOperatorInput!) { createOperator(input: $input) { user { email isOperator } userErrors { code } } }',
      { input: { email: 'operator@fluxo.example', password: 'an operator password' } },
      { token: t.adminToken },
    );
    expect(created.data!.createOperator).toEqual({ user: { email: 'operator@fluxo.example', isOperator: true }, userErrors: [] });
    const session = tokensOf((await signIn(t, { email: 'operator@fluxo.example', password: 'an operator password' })).data!.signIn);
    const operator = personClient(t, session.accessToken);
    expect((await operator('{ subscriptionRequests(first: 1) { totalCount } }')).errors).toBeUndefined();
    // A company's person cannot create operators.
    const admin = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
    expectRefused(
      await admin.gql('mutation($input: CreateOperatorInput!) { createOperator(input: $input) { user { id } } }', {
        input: { email: 'sneaky@acme.example', password: 'a sneaky long password' },
      }),
      'FORBIDDEN',
    );
  });
});

// Last in the file: it spends this address's budget of failed sign-ins.
describe('throttling per address', () => {
  it('after 30 failures in 15 minutes an address may not try any account, even with the right password', async () => {
    const person = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    let last: string[] = [];
    for (let i = 0; i < 40 && !last.includes('TOO_MANY_ATTEMPTS'); i += 1) {
      last = (await signIn(t, { email: `someone-${i}@example.com`, password: 'wrong password here' })).data!.signIn.userErrors.map((e) => e.code);
    }
    expect(last).toEqual(['TOO_MANY_ATTEMPTS']);
    const right = await signIn(t, { email: person.email, password: person.password });
    expect(right.data!.signIn.userErrors.map((e) => e.code)).toEqual(['TOO_MANY_ATTEMPTS']);
  });
});

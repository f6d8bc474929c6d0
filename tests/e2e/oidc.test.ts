import { randomUUID } from 'node:crypto';
import { createCompany, type GatewayCompany } from '../support/company';
import { signingKey, startProvider, type TestProvider } from '../support/oidc-provider';
import { ACCEPT, invite, member, personClient, tokensOf } from '../support/people';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// Companies' own OpenID Connect providers, end to end: a real oidc-provider in
// its own process issues the tokens, the real gateway verifies them against
// its published keys and finds the company's member by the verified e-mail.

const ACME_CLIENT = 'acme-erp';
const BETA_CLIENT = 'beta-erp';
const UNCLAIMED_CLIENT = 'nobody-trusts-this-client';
const tag = randomUUID().slice(0, 8);
const ACCOUNTS = {
  alice: { email: `alice-${tag}@acme.example`, email_verified: true },
  mallory: { email: `mallory-${tag}@elsewhere.example`, email_verified: true },
  newcomer: { email: `newcomer-${tag}@acme.example`, email_verified: true },
  unverified: { email: `unverified-${tag}@acme.example`, email_verified: false },
};

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let provider: TestProvider;
const others: TestProvider[] = [];

const ME = '{ me { company { id } user { email } accessKey { id } permissions } }';
const SET = `mutation($input: SetIdentityProviderInput!) {
  setIdentityProvider(input: $input) { identityProvider { issuer clientId audience company { id } } userErrors { field code } }
}`;
const REMOVE = `mutation($input: RemoveIdentityProviderInput!) { removeIdentityProvider(input: $input) { removed userErrors { code } } }`;
const READ = `query($companyId: ID!) { identityProvider(companyId: $companyId) { issuer clientId audience } }`;

type SetResult = {
  setIdentityProvider: { identityProvider: { issuer: string; audience: string } | null; userErrors: Array<{ field: string[]; code: string }> };
};

const call = (token: string, document: string, variables?: Record<string, unknown>) =>
  graphql<Record<string, unknown>>(t.gatewayUrl, document, variables, { token });
const setProvider = (token: string, input: Record<string, unknown>) => graphql<SetResult>(t.gatewayUrl, SET, { input }, { token });

function expectRefused(res: GraphQLResponse<unknown>, reason: string): void {
  expect(res.status).toBe(401);
  expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['UNAUTHENTICATED', reason]]);
}

/** Asks until `check` passes or `ms` runs out: caches drop on notifications and key sets refresh after a cooldown. */
async function eventually(check: () => Promise<void>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

beforeAll(async () => {
  t = await startTestStack({ config: { oidc: { allowHttp: true } } });
  acme = await createCompany(t, { name: 'Acme OIDC', modules: ['EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta OIDC', modules: ['EMPLOYEES'] });
  provider = await startProvider({ keys: [signingKey()], clients: [ACME_CLIENT, BETA_CLIENT, UNCLAIMED_CLIENT], accounts: ACCOUNTS });
  await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }], email: ACCOUNTS.alice.email });
  // Acme names its provider with its own key, Beta through the operator; each has its own client there.
  expect((await setProvider(acme.secret, { companyId: acme.companyId, issuer: provider.issuer, clientId: ACME_CLIENT })).data).toEqual({
    setIdentityProvider: {
      identityProvider: { issuer: provider.issuer, clientId: ACME_CLIENT, audience: ACME_CLIENT, company: { id: acme.companyId } },
      userErrors: [],
    },
  });
  expect(
    (await setProvider(t.adminToken, { companyId: beta.companyId, issuer: provider.issuer, clientId: BETA_CLIENT })).data!.setIdentityProvider.userErrors,
  ).toEqual([]);
}, 120_000);

afterAll(async () => {
  for (const p of [provider, ...others]) await p?.stop();
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('naming a provider', () => {
  it('reads back what was set, the audience defaulting to the client id', async () => {
    const res = await call(acme.secret, READ, { companyId: acme.companyId });
    expect(res.data).toEqual({ identityProvider: { issuer: provider.issuer, clientId: ACME_CLIENT, audience: ACME_CLIENT } });
    expect((await call(acme.secret, READ, { companyId: beta.companyId })).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('refuses an issuer that is not https (http only on loopback) and an issuer-audience pair another company holds', async () => {
    for (const issuer of ['http://idp.example.com', 'ftp://127.0.0.1/', 'not a url', 'https://user:pw@idp.example.com']) {
      const res = await setProvider(acme.secret, { companyId: acme.companyId, issuer, clientId: ACME_CLIENT });
      expect({ issuer, errors: res.data?.setIdentityProvider.userErrors }).toEqual({
        issuer,
        errors: [{ field: ['input', 'issuer'], code: 'INVALID_ISSUER' }],
      });
    }
    const taken = await setProvider(t.adminToken, { companyId: beta.companyId, issuer: provider.issuer, clientId: BETA_CLIENT, audience: ACME_CLIENT });
    expect(taken.data!.setIdentityProvider.userErrors).toEqual([{ field: ['input', 'audience'], code: 'AUDIENCE_IN_USE' }]);
    expect((await call(acme.secret, READ, { companyId: acme.companyId })).data).toEqual({
      identityProvider: { issuer: provider.issuer, clientId: ACME_CLIENT, audience: ACME_CLIENT },
    });
  });

  it('is for those who manage the company’s settings', async () => {
    const viewer = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const res = await setProvider(viewer.accessToken, { companyId: acme.companyId, issuer: provider.issuer, clientId: 'other' });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('calling with a token of the company’s provider', () => {
  it('identifies the member by the verified e-mail, with exactly their role’s permissions and no session', async () => {
    const idToken = await provider.idToken('alice', ACME_CLIENT);
    const me = await call(idToken, ME);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({
      company: { id: acme.companyId },
      user: { email: ACCOUNTS.alice.email },
      accessKey: null,
      permissions: ['company:read', 'employees:directory.read'],
    });
    expect((await call(idToken, '{ employees(first: 1) { totalCount } }')).errors).toBeUndefined();
    const hire = await call(
      idToken,
      'mutation { hireEmployee(input: { firstName: "A", lastName: "B", email: "ab@acme.example", hireDate: "2026-01-05" }) { employee { id } } }',
    );
    expect(hire.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const signOut = await call(idToken, 'mutation { signOut { revokedSessions userErrors { code } } }');
    expect(signOut.data).toEqual({ signOut: { revokedSessions: 0, userErrors: [{ code: 'NOT_A_SESSION' }] } });
  });

  it('refuses a person who is not a member of the company', async () => {
    expectRefused(await call(await provider.idToken('mallory', ACME_CLIENT), ME), 'NOT_A_MEMBER');
  });

  it('refuses a member’s token minted for another company’s audience, or for one nobody trusts', async () => {
    // Beta trusts the same provider with its own client: the token leads to Beta, where Alice is nobody.
    expectRefused(await call(await provider.idToken('alice', BETA_CLIENT), ME), 'NOT_A_MEMBER');
    expectRefused(await call(await provider.idToken('alice', UNCLAIMED_CLIENT), ME), 'TOKEN_INVALID');
  });

  it('refuses an address the provider has not verified', async () => {
    await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }], email: ACCOUNTS.unverified.email });
    expectRefused(await call(await provider.idToken('unverified', ACME_CLIENT), ME), 'EMAIL_UNVERIFIED');
  });

  it('refuses an expired token', async () => {
    expectRefused(await call(await provider.idToken('alice', ACME_CLIENT, -60), ME), 'TOKEN_EXPIRED');
  });

  it('refuses a token of another provider that claims the same issuer, even under the same key id', async () => {
    const genuineKid = provider.config.keys[0]!.kid;
    const impostor = await startProvider({ issuer: provider.issuer, keys: [signingKey(genuineKid)], clients: [ACME_CLIENT], accounts: ACCOUNTS });
    others.push(impostor);
    const forged = await impostor.idToken('alice', ACME_CLIENT);
    expect(JSON.parse(Buffer.from(forged.split('.')[1]!, 'base64url').toString())).toMatchObject({ iss: provider.issuer, aud: ACME_CLIENT });
    expectRefused(await call(forged, ME), 'TOKEN_INVALID');
  });
});

describe('the provider rotates its keys', () => {
  it('accepts tokens signed with the new key, and no longer those of the retired one', async () => {
    // Alice's token under the old key, checked by the gateway for the first time only after the rotation.
    const retired = await provider.idToken('alice', ACME_CLIENT);
    expect((await call(await provider.idToken('alice', ACME_CLIENT), ME)).errors).toBeUndefined();
    await provider.stop();
    provider = await startProvider({ ...provider.config, keys: [signingKey()] });

    const rotated = await provider.idToken('alice', ACME_CLIENT);
    // The gateway fetches the key set again for the unknown key id, at most once per cooldown.
    await eventually(async () => expect((await call(rotated, ME)).data?.me).toMatchObject({ user: { email: ACCOUNTS.alice.email } }), 15_000);
    expectRefused(await call(retired, ME), 'TOKEN_INVALID');
  });
});

describe('accepting an invitation by signing in with the provider', () => {
  it('creates the account without a password and signs the invitee in', async () => {
    const token = await invite(t, acme.secret, { companyId: acme.companyId, email: ACCOUNTS.newcomer.email.toUpperCase(), roles: [{ role: 'HR_VIEWER' }] });
    const res = await graphql<{ acceptInvitation: Parameters<typeof tokensOf>[0] }>(t.gatewayUrl, ACCEPT, {
      input: { token, idToken: await provider.idToken('newcomer', ACME_CLIENT) },
    });
    const session = tokensOf(res.data!.acceptInvitation);
    const me = await personClient(t, session.accessToken)(ME);
    expect(me.data).toEqual({
      me: {
        company: { id: acme.companyId },
        user: { email: ACCOUNTS.newcomer.email.toUpperCase() },
        accessKey: null,
        permissions: ['company:read', 'employees:directory.read'],
      },
    });
    // Now a member: the provider's token itself works as well.
    expect((await call(await provider.idToken('newcomer', ACME_CLIENT), ME)).errors).toBeUndefined();
    // No password was set: none signs in.
    const signIn = await graphql<{ signIn: { userErrors: Array<{ code: string }> } }>(
      t.gatewayUrl,
      'mutation($input: SignInInput!) { signIn(input: $input) { userErrors { code } } }',
      { input: { email: ACCOUNTS.newcomer.email, password: 'any password at all, long enough' } },
    );
    expect(signIn.data!.signIn.userErrors.map((e) => e.code)).toEqual(['INVALID_CREDENTIALS']);
  });

  it('refuses an ID token for another address, one of another audience, and a password given with it', async () => {
    const email = `invitee-${randomUUID().slice(0, 8)}@acme.example`;
    const token = await invite(t, acme.secret, { companyId: acme.companyId, email, roles: [{ role: 'HR_VIEWER' }] });
    const accept = async (input: Record<string, unknown>) => {
      const res = await graphql<{ acceptInvitation: { userErrors: Array<{ code: string }> } }>(t.gatewayUrl, ACCEPT, { input: { token, ...input } });
      return res.data!.acceptInvitation.userErrors.map((e) => e.code);
    };
    expect(await accept({ idToken: await provider.idToken('mallory', ACME_CLIENT) })).toEqual(['EMAIL_MISMATCH']);
    expect(await accept({ idToken: await provider.idToken('mallory', BETA_CLIENT) })).toEqual(['INVALID_ID_TOKEN']);
    expect(await accept({ idToken: await provider.idToken('mallory', ACME_CLIENT), password: 'correct horse battery' })).toEqual(['CREDENTIAL_REQUIRED']);
    expect(await accept({})).toEqual(['CREDENTIAL_REQUIRED']);
  });

  it('never links an account that already exists: that one accepts with its password', async () => {
    // Alice has an account with a password; a provider's word alone must not attach it to a company.
    const token = await invite(t, acme.secret, { companyId: acme.companyId, email: ACCOUNTS.alice.email, roles: [{ role: 'ADMIN' }] });
    const res = await graphql<{ acceptInvitation: { accessToken: string | null; userErrors: Array<{ code: string }> } }>(t.gatewayUrl, ACCEPT, {
      input: { token, idToken: await provider.idToken('alice', ACME_CLIENT) },
    });
    expect(res.data!.acceptInvitation).toMatchObject({ accessToken: null, userErrors: [{ code: 'PASSWORD_REQUIRED' }] });
  });
});

describe('removing the provider', () => {
  it('refuses its tokens within a second, even one the gateway already verified', async () => {
    const idToken = await provider.idToken('alice', ACME_CLIENT);
    expect((await call(idToken, ME)).errors).toBeUndefined();
    const removed = await call(acme.secret, REMOVE, { input: { companyId: acme.companyId } });
    expect(removed.data).toEqual({ removeIdentityProvider: { removed: true, userErrors: [] } });
    await eventually(async () => expectRefused(await call(idToken, ME), 'TOKEN_INVALID'), 1_000);
    expect((await call(acme.secret, READ, { companyId: acme.companyId })).data).toEqual({ identityProvider: null });
  });
});

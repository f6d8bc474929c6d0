import { randomUUID } from 'node:crypto';
import { createCompany, type GatewayCompany } from '../support/company';
import { signingKey, startProvider, type TestProvider } from '../support/oidc-provider';
import { member, refresh, tokensOf } from '../support/people';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// Signing in to Fluxo with an ID token of the company's own OpenID Connect
// provider: a real oidc-provider in its own process issues the tokens, with the
// nonce the browser would have asked for, and the real gateway and access
// subgraph exchange them for a Fluxo session.

const ACME_CLIENT = 'acme-console';
const BETA_CLIENT = 'beta-console';
const UNCLAIMED_CLIENT = 'nobody-trusts-this-client';
const tag = randomUUID().slice(0, 8);
const ACCOUNTS = {
  alice: { email: `alice-${tag}@acme.example`, email_verified: true },
  mallory: { email: `mallory-${tag}@elsewhere.example`, email_verified: true },
  unverified: { email: `unverified-${tag}@acme.example`, email_verified: false },
};

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let provider: TestProvider;
let stranger: TestProvider;

type Payload = {
  accessToken: string | null;
  refreshToken: string | null;
  session: { id: string; method: string; company: { id: string } | null; user: { email: string } } | null;
  userErrors: Array<{ field: string[] | null; code: string; message: string }>;
};

const SIGN_IN = `mutation($input: SignInWithIdentityProviderInput!) {
  signInWithIdentityProvider(input: $input) {
    accessToken refreshToken session { id method company { id } user { email } } userErrors { field code message }
  }
}`;
const OPTIONS = `query($company: String!) {
  signInOptions(company: $company) { password identityProvider { issuer clientId scopes authorizationEndpoint } }
}`;
const SET = `mutation($input: SetIdentityProviderInput!) { setIdentityProvider(input: $input) { userErrors { code } } }`;

const signInWith = async (idToken: string, nonce: string): Promise<Payload> => {
  const res = await graphql<{ signInWithIdentityProvider: Payload }>(t.gatewayUrl, SIGN_IN, { input: { idToken, nonce } });
  expect(res.errors).toBeUndefined();
  return res.data!.signInWithIdentityProvider;
};
const codesOf = (payload: Payload) => payload.userErrors.map((e) => e.code);

beforeAll(async () => {
  t = await startTestStack({ config: { oidc: { allowHttp: true } } });
  acme = await createCompany(t, { name: 'Acme IdP sign-in', modules: ['EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta IdP sign-in', modules: ['EMPLOYEES'] });
  provider = await startProvider({ keys: [signingKey()], clients: [ACME_CLIENT, BETA_CLIENT, UNCLAIMED_CLIENT], accounts: ACCOUNTS });
  // A provider no company trusts, issuing for Acme's client id.
  stranger = await startProvider({ keys: [signingKey()], clients: [ACME_CLIENT], accounts: ACCOUNTS });
  await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }], email: ACCOUNTS.alice.email });
  for (const [company, clientId] of [
    [acme, ACME_CLIENT],
    [beta, BETA_CLIENT],
  ] as const) {
    const res = await graphql<{ setIdentityProvider: { userErrors: unknown[] } }>(
      t.gatewayUrl,
      SET,
      { input: { companyId: company.companyId, issuer: provider.issuer, clientId } },
      { token: t.adminToken },
    );
    expect(res.data!.setIdentityProvider.userErrors).toEqual([]);
  }
}, 120_000);

afterAll(async () => {
  await provider?.stop();
  await stranger?.stop();
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('signInOptions', () => {
  it('names the provider’s authorization endpoint from its discovery document, and no provider for a company without one', async () => {
    const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string };
    const res = await graphql<Record<string, unknown>>(t.gatewayUrl, OPTIONS, { company: acme.slug });
    expect(res.data).toEqual({
      signInOptions: {
        password: true,
        identityProvider: {
          issuer: provider.issuer,
          clientId: ACME_CLIENT,
          scopes: ['openid', 'email', 'profile'],
          authorizationEndpoint: discovery.authorization_endpoint,
        },
      },
    });
    expect(discovery.authorization_endpoint.startsWith(provider.issuer)).toBe(true);
    const none = await graphql<Record<string, unknown>>(t.gatewayUrl, OPTIONS, { company: `no-such-company-${tag}` });
    expect(none.data).toEqual({ signInOptions: { password: true, identityProvider: null } });
  });
});

describe('signInWithIdentityProvider', () => {
  it('opens an OIDC session for the member whose e-mail the provider verified, in the company that trusts the token', async () => {
    const nonce = randomUUID();
    const payload = await signInWith(await provider.idToken('alice', ACME_CLIENT, undefined, nonce), nonce);
    expect(payload.userErrors).toEqual([]);
    expect(payload.session).toMatchObject({ method: 'OIDC', company: { id: acme.companyId }, user: { email: ACCOUNTS.alice.email } });
    const tokens = tokensOf(payload);
    const me = await graphql<{ me: { company: { id: string }; user: { email: string }; accessKey: unknown } }>(
      t.gatewayUrl,
      '{ me { company { id } user { email } accessKey { id } } }',
      undefined,
      { token: tokens.accessToken },
    );
    expect(me.data).toEqual({ me: { company: { id: acme.companyId }, user: { email: ACCOUNTS.alice.email }, accessKey: null } });
    const audit = await graphql<{ platformAuditLog: { edges: Array<{ node: { action: string; after: string | null } }> } }>(
      t.gatewayUrl,
      `
        query ($filter: AuditFilter) {
          platformAuditLog(filter: $filter, first: 5) {
            edges {
              node {
                action
                after
              }
            }
          }
        }
      `,
      { filter: { entity: 'user_session', entityId: tokens.sessionId } },
      { token: t.adminToken },
    );
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.platformAuditLog.edges.map((e) => [e.node.action, JSON.parse(e.node.after ?? 'null')])).toEqual([
      ['signInWithIdentityProvider', expect.objectContaining({ email: ACCOUNTS.alice.email, company: acme.companyId, method: 'OIDC' })],
    ]);
    // A normal session: its refresh token works once.
    expect((await refresh(t, tokens.refreshToken)).data!.refreshSession.userErrors).toEqual([]);
  });

  it('refuses a token for another nonce, or with none', async () => {
    const wrong = await signInWith(await provider.idToken('alice', ACME_CLIENT, undefined, randomUUID()), randomUUID());
    expect(wrong).toMatchObject({ accessToken: null, session: null });
    expect(wrong.userErrors).toEqual([expect.objectContaining({ field: ['input', 'idToken'], code: 'INVALID_ID_TOKEN' })]);
    expect(codesOf(await signInWith(await provider.idToken('alice', ACME_CLIENT), randomUUID()))).toEqual(['INVALID_ID_TOKEN']);
  });

  it('refuses a verified e-mail that is no member of the company', async () => {
    const nonce = randomUUID();
    const payload = await signInWith(await provider.idToken('mallory', ACME_CLIENT, undefined, nonce), nonce);
    expect(payload).toMatchObject({ accessToken: null, refreshToken: null, session: null });
    expect(codesOf(payload)).toEqual(['NOT_A_MEMBER']);
  });

  it('finds the company by the token’s audience: another company’s token does not open Acme, nor does an untrusted one', async () => {
    const nonce = randomUUID();
    // Alice is Acme's member, not Beta's: Beta's audience signs her in nowhere.
    expect(codesOf(await signInWith(await provider.idToken('alice', BETA_CLIENT, undefined, nonce), nonce))).toEqual(['NOT_A_MEMBER']);
    expect(codesOf(await signInWith(await provider.idToken('alice', UNCLAIMED_CLIENT, undefined, nonce), nonce))).toEqual(['INVALID_ID_TOKEN']);
    expect(codesOf(await signInWith(await stranger.idToken('alice', ACME_CLIENT, undefined, nonce), nonce))).toEqual(['INVALID_ID_TOKEN']);
  });

  it('refuses an expired token, an unverified e-mail and what is no token at all', async () => {
    const nonce = randomUUID();
    const expired = await signInWith(await provider.idToken('alice', ACME_CLIENT, -60, nonce), nonce);
    expect(expired.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_ID_TOKEN', message: expect.stringContaining('expired') })]);
    expect(codesOf(await signInWith(await provider.idToken('unverified', ACME_CLIENT, undefined, nonce), nonce))).toEqual(['INVALID_ID_TOKEN']);
    expect(codesOf(await signInWith('not.a.token', nonce))).toEqual(['INVALID_ID_TOKEN']);
  });
});

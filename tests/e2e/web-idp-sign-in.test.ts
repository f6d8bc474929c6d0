import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web';
import { launchChromium, withScreenshotOnFailure } from '../support/browser';
import { createCompany, type GatewayCompany } from '../support/company';
import { signingKey, startProvider, type TestProvider } from '../support/oidc-provider';
import { member } from '../support/people';
import { graphql, startExtraGateway, startTestStack, type TestStack } from '../support/stack';

// Signing in to the company console through the company's own identity
// provider, in Chromium: the console sends the browser to a real oidc-provider,
// the person signs in on its development login form and consents, and the
// provider sends the browser back with an ID token that the console exchanges
// for a Fluxo session.

const CLIENT = 'acme-console';
const tag = randomUUID().slice(0, 8);
const ACCOUNTS = {
  alice: { email: `alice-${tag}@acme.example`, email_verified: true },
  mallory: { email: `mallory-${tag}@elsewhere.example`, email_verified: true },
};

let t: TestStack;
let browser: Browser;
let webDir: string;
let origin: string;
let stopGateway: () => Promise<void>;
let provider: TestProvider;
let acme: GatewayCompany;
let plain: GatewayCompany;

beforeAll(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-web-idp-'));
  await buildWeb(webDir);
  t = await startTestStack({ config: { oidc: { allowHttp: true } } });
  const extra = await startExtraGateway(t, { webAppDir: webDir });
  origin = new URL(extra.gateway.url).origin;
  stopGateway = extra.stop;
  provider = await startProvider({
    keys: [signingKey()],
    clients: [],
    accounts: ACCOUNTS,
    browserClient: { clientId: CLIENT, redirectUris: [`${origin}/console/sign-in/callback`] },
  });
  acme = await createCompany(t, { name: 'Acme Web IdP', modules: ['EMPLOYEES'] });
  plain = await createCompany(t, { name: 'Plain Web IdP', modules: ['EMPLOYEES'] });
  await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }], email: ACCOUNTS.alice.email });
  const set = await graphql<{ setIdentityProvider: { userErrors: unknown[] } }>(
    t.gatewayUrl,
    'mutation($input: SetIdentityProviderInput!) { setIdentityProvider(input: $input) { userErrors { code } } }',
    { input: { companyId: acme.companyId, issuer: provider.issuer, clientId: CLIENT } },
    { token: acme.secret },
  );
  expect(set.data!.setIdentityProvider.userErrors).toEqual([]);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await provider?.stop();
  await stopGateway?.();
  await acme?.tenantDb.destroy();
  await plain?.tenantDb.destroy();
  await t?.stop();
  if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
});

async function inFreshBrowser(name: string, work: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  try {
    await withScreenshotOnFailure(page, `web-idp-${name}`, () => work(page));
  } catch (error) {
    if (problems.length > 0 && error instanceof Error) error.message += `\n${problems.join('\n')}`;
    throw error;
  } finally {
    await context.close();
  }
}

/** From the console's sign-in page towards the provider, for the company with this handle. */
async function startProviderSignIn(page: Page, company: string): Promise<void> {
  await page.goto(`${origin}/console`);
  await page.getByLabel('Company (its Fluxo handle, e.g. acme)').fill(company);
  await page.getByRole('button', { name: 'Continue with your identity provider' }).click();
}

/** The provider's development login form (any password) and its consent page. */
async function signInAtProvider(page: Page, accountId: string): Promise<void> {
  await page.waitForURL((url) => url.origin === new URL(provider.issuer).origin);
  await page.locator('input[name="login"]').fill(accountId);
  await page.locator('input[name="password"]').fill('any password will do');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

it('signs a member in through the company’s provider and lands on the console', async () => {
  await inFreshBrowser('signed-in', async (page) => {
    const request = page.waitForRequest((r) => r.isNavigationRequest() && new URL(r.url()).origin === new URL(provider.issuer).origin);
    await startProviderSignIn(page, acme.slug);
    const authorization = new URL((await request).url());
    expect(Object.fromEntries(['response_type', 'response_mode', 'client_id', 'redirect_uri'].map((p) => [p, authorization.searchParams.get(p)]))).toEqual({
      response_type: 'id_token',
      response_mode: 'fragment',
      client_id: CLIENT,
      redirect_uri: `${origin}/console/sign-in/callback`,
    });
    expect(authorization.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await signInAtProvider(page, 'alice');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console');
    // The ID token does not stay in the address bar.
    expect(new URL(page.url()).hash).toBe('');
    await page.getByText(`${ACCOUNTS.alice.email} · Acme Web IdP`).waitFor();
  });
});

it('says in plain words when the provider vouches for someone who is not a member', async () => {
  await inFreshBrowser('not-a-member', async (page) => {
    await startProviderSignIn(page, acme.slug);
    await signInAtProvider(page, 'mallory');
    await page.getByText('This account is not a member of that company.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });
});

it('refuses an answer this tab did not ask for, and says when a company has no provider', async () => {
  await inFreshBrowser('refusals', async (page) => {
    await page.goto(`${origin}/console/sign-in/callback#id_token=forged&state=forged`);
    await page.getByText('This sign-in was not started on this page, or it was already used. Start again.').waitFor();
    await startProviderSignIn(page, plain.slug);
    await page.getByText('This company does not sign in through its own identity provider.', { exact: false }).waitFor();
    expect(new URL(page.url()).origin).toBe(origin);
  });
});

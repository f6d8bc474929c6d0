import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web';
import { launchChromium, withScreenshotOnFailure } from '../support/browser';
import { contractOperation } from '../support/contract';
import { startMailCatcher, type MailCatcher } from '../support/mail';
import { graphql, startExtraGateway, startTestStack, type TestStack } from '../support/stack';

// The web app as its users meet it, in Chromium against the real gateway and
// subgraphs: a company asks on the portal, the operator approves in the
// operator console, the invitation arrives by SMTP, the founder sets up their
// account, signs in, issues a key and reads the overview.

const COMPANY = 'Webshop Lda';
const FOUNDER = 'founder@webshop.example';
const FOUNDER_PASSWORD = 'correct horse battery staple';
const OPERATOR = 'ops@fluxo.example';
const OPERATOR_PASSWORD = 'operator password 2026';
const PUBLIC_URL = 'https://erp.fluxo.test';

let t: TestStack;
let mail: MailCatcher;
let browser: Browser;
let webDir: string;
let origin: string;
let stopGateway: () => Promise<void>;
/** Carried from one step to the next, as a person carries it. */
const flow: { inviteLink?: string; keySecret?: string; statusLink?: string; rejectedLink?: string } = {};

beforeAll(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-web-'));
  mail = await startMailCatcher();
  // Built as `npm run build` builds it, so the gateway serves exactly what ships.
  await buildWeb(webDir);
  t = await startTestStack({ config: { mail: { smtpUrl: mail.url, from: 'Fluxo <no-reply@fluxo.test>', publicUrl: PUBLIC_URL } } });
  const extra = await startExtraGateway(t, { webAppDir: webDir });
  origin = new URL(extra.gateway.url).origin;
  stopGateway = extra.stop;
  const created = await graphql<{ createOperator: { userErrors: unknown[] } }>(
    t.gatewayUrl,
    'mutation($input: CreateOperatorInput!) { createOperator(input: $input) { userErrors { code } } }',
    { input: { email: OPERATOR, password: OPERATOR_PASSWORD } },
    { token: t.adminToken },
  );
  expect(created.data!.createOperator.userErrors).toEqual([]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stopGateway?.();
  await t?.stop();
  await mail?.close();
  if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
});

/** A fresh browser profile (no session from an earlier step) at a width, with its page. */
async function openPage(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  return { context, page: await context.newPage() };
}

async function step<T>(name: string, work: (page: Page) => Promise<T>, width?: number): Promise<T> {
  const { context, page } = await openPage(width);
  // A script error or a refused resource explains a blank page better than a timeout does.
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  try {
    return await withScreenshotOnFailure(page, `web-app-${name}`, () => work(page));
  } catch (error) {
    if (problems.length > 0 && error instanceof Error) error.message += `\n${problems.join('\n')}`;
    throw error;
  } finally {
    await context.close();
  }
}

/** With WEB_SCREENSHOTS set to a folder, keeps a picture of the page there: how docs/screenshots is made. */
async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.WEB_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, path: string, email: string, password: string): Promise<void> {
  await page.goto(`${origin}${path}`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

it('serves the pages with a policy that allows nothing from elsewhere', async () => {
  for (const page of ['/portal', '/admin/companies', '/console/keys']) {
    const response = await fetch(`${origin}${page}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('/app/assets/');
  }
  expect((await fetch(`${origin}/app/assets/no-such-file.js`)).status).toBe(404);
});

/** Asks on the portal as a visitor would; returns the status link shown once. */
async function requestOnPortal(page: Page, company: string, email: string): Promise<string> {
  await page.goto(`${origin}/portal`);
  // The plans come from the API; the first is chosen with its modules.
  await page.getByRole('radio').first().waitFor();
  await page.getByLabel('Company name').fill(company);
  await page.getByLabel('Contact e-mail').fill(email);
  await page.getByRole('button', { name: 'Request subscription' }).click();
  await page.getByTestId('request-created').waitFor();
  return (
    new URL((await page.getByTestId('status-link').getAttribute('href'))!).pathname +
    new URL((await page.getByTestId('status-link').getAttribute('href'))!).hash
  );
}

async function statusOf(page: Page, link: string): Promise<string> {
  await page.goto(`${origin}${link}`);
  return (await page.getByTestId('request-status-value').textContent()) ?? '';
}

it('opens the operator console with the operator token, and refuses a wrong one', async () => {
  await step('operator-token', async (page) => {
    await page.goto(`${origin}/admin`);
    await page.getByText('Use the operator token instead').click();
    await page.getByLabel('Operator token').fill('fluxo_admin_not-the-token');
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Operator token').fill(t.adminToken);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByRole('heading', { name: 'Subscription requests' }).waitFor();
  });
});

it('takes a subscription request on the portal, with a status link the requester keeps', async () => {
  await step('portal', async (page) => {
    await page.goto(`${origin}/portal`);
    await page.getByRole('radio').first().waitFor();
    await snap(page, 'portal');
    await page.getByRole('button', { name: 'Request subscription' }).click();
    // Empty fields come back as the API's userErrors, next to their fields.
    await page.getByText('This is required.').first().waitFor();
    flow.statusLink = await requestOnPortal(page, COMPANY, FOUNDER);
    flow.rejectedLink = await requestOnPortal(page, 'Doubtful Lda', 'someone@doubtful.example');
    expect(await statusOf(page, flow.statusLink)).toBe('Waiting for review');
    // The token is the whole key: a wrong one finds nothing.
    await page.goto(`${origin}/portal/status#fluxo_rs_not-a-real-token`);
    await page.getByText('No request has this link.').waitFor();
  });
  const pending = await graphql<{ subscriptionRequests: { edges: Array<{ node: { companyName: string; contactEmail: string } }> } }>(
    t.gatewayUrl,
    '{ subscriptionRequests(status: PENDING) { edges { node { companyName contactEmail } } } }',
    undefined,
    { token: t.adminToken },
  );
  expect(pending.data!.subscriptionRequests.edges.map((e) => e.node)).toContainEqual({ companyName: COMPANY, contactEmail: FOUNDER });
});

it('lets the operator approve it, which mails the founder an invitation', async () => {
  await step('operator-approval', async (page) => {
    await signIn(page, '/admin', OPERATOR, OPERATOR_PASSWORD);
    await page.getByRole('button', { name: `Approve ${COMPANY}` }).waitFor();
    await snap(page, 'operator-requests');
    await page.getByRole('button', { name: `Approve ${COMPANY}` }).click();
    // Approved requests leave the pending list.
    await page.getByRole('button', { name: `Approve ${COMPANY}` }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Reject Doubtful Lda' }).click();
    await page.getByLabel('Reason for rejecting').fill('We could not verify the company.');
    await page.getByRole('button', { name: 'Reject', exact: true }).click();
    await page.getByRole('button', { name: 'Reject Doubtful Lda' }).waitFor({ state: 'detached' });
    // The company, its tenant database and the versions of its schemas.
    await page.getByRole('link', { name: 'Companies' }).click();
    await page.getByRole('link', { name: COMPANY }).click();
    await page.getByRole('heading', { name: COMPANY }).waitFor();
    expect(await page.getByTestId('schema-versions').textContent()).toMatch(/AUDIT: \d{14}_/);
    await snap(page, 'operator-company');
    // Every subgraph ready, nothing dead, and the approval in the platform's audit log.
    await page.getByRole('link', { name: 'Modules' }).click();
    await page.getByRole('cell', { name: 'ready', exact: true }).first().waitFor();
    expect(await page.getByText(/^not ready/).count()).toBe(0);
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByText('No dead events').waitFor();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page
      .getByRole('cell', { name: /approveSubscriptionRequest/ })
      .first()
      .waitFor();
    await page.getByLabel('Action').fill('rejectSubscriptionRequest');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page
      .getByRole('cell', { name: /approveSubscriptionRequest/ })
      .first()
      .waitFor({ state: 'detached' });
    await page
      .getByRole('cell', { name: /rejectSubscriptionRequest/ })
      .first()
      .waitFor();
    // The requesters see where their requests stand.
    expect(await statusOf(page, flow.statusLink!)).toBe('Approved');
    expect(await statusOf(page, flow.rejectedLink!)).toBe('Rejected');
    await page.getByText('We could not verify the company.').waitFor();
  });
  const invitation = await mail.next();
  expect(invitation.to).toBe(FOUNDER);
  const link = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/console/accept#\\S+)`).exec(invitation.text)?.[1];
  expect(link).toBeDefined();
  flow.inviteLink = link;
});

it('sets up the founder’s account from the mailed link, then signs them in', async () => {
  await step('first-sign-in', async (page) => {
    await page.goto(`${origin}${flow.inviteLink!}`);
    await page.getByLabel('Your name').fill('Founder');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Set up my account' }).click();
    // The API's WEAK_PASSWORD, in plain words beside the field.
    await page.getByText('Choose a longer password').waitFor();
    await page.getByLabel('Password').fill(FOUNDER_PASSWORD);
    await page.getByRole('button', { name: 'Set up my account' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The same person, signing in as they will from now on.
    await page.getByLabel('E-mail').fill(FOUNDER);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The e-mail address or password is wrong.').waitFor();
    await page.getByLabel('Password').fill(FOUNDER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`${FOUNDER} · ${COMPANY}`).waitFor();
  });
});

it('issues a key whose secret is shown once and works against the API', async () => {
  const secret = await step('issue-key', async (page) => {
    await signIn(page, '/console/keys', FOUNDER, FOUNDER_PASSWORD);
    await page.getByLabel('Name', { exact: true }).fill('Warehouse scanner');
    await page.getByRole('checkbox', { name: 'Employees' }).check();
    await page.getByRole('button', { name: 'Issue key' }).click();
    const shown = page.getByLabel('New key secret');
    await shown.waitFor();
    await page.getByRole('cell', { name: 'Warehouse scanner', exact: true }).waitFor();
    await snap(page, 'company-keys');
    return shown.inputValue();
  });
  const me = await graphql<{ me: { company: { name: string }; modules: string[] } }>(t.gatewayUrl, '{ me { company { name } modules } }', undefined, {
    token: secret,
  });
  expect(me.data!.me).toEqual({ company: { name: COMPANY }, modules: ['EMPLOYEES'] });
  flow.keySecret = secret;
});

it('shows the overview with the figures the API returns', async () => {
  const hire = contractOperation('employees.graphql', 'HireEmployee');
  for (const [n, email] of ['ana@webshop.example', 'rui@webshop.example'].entries()) {
    const hired = await graphql<{ hireEmployee: { userErrors: unknown[] } }>(
      t.gatewayUrl,
      hire,
      { input: { firstName: 'Staff', lastName: `Member${n}`, email, hireDate: '2026-01-05', departmentId: null, positionId: null, managerId: null } },
      { token: flow.keySecret! },
    );
    expect(hired.data!.hireEmployee.userErrors).toEqual([]);
  }
  const api = await graphql<{ overview: { employees: { activeHeadcount: number; departments: number; newHiresLast30Days: number } } }>(
    t.gatewayUrl,
    '{ overview { employees { activeHeadcount departments newHiresLast30Days } } }',
    undefined,
    { token: flow.keySecret! },
  );
  expect(api.data!.overview.employees.activeHeadcount).toBe(2);
  await step('overview', async (page) => {
    await signIn(page, '/console', FOUNDER, FOUNDER_PASSWORD);
    await page.getByTestId('employees-headcount').waitFor();
    const figure = (id: string) => page.getByTestId(id).locator('dd').textContent();
    expect(await figure('employees-headcount')).toBe(String(api.data!.overview.employees.activeHeadcount));
    expect(await figure('employees-departments')).toBe(String(api.data!.overview.employees.departments));
    expect(await figure('employees-new-hires')).toBe(String(api.data!.overview.employees.newHiresLast30Days));
    await snap(page, 'company-overview');
    // The hires are in the company's own audit log, with who made them.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page
      .getByRole('cell', { name: /hireEmployee/ })
      .first()
      .waitFor();
    expect(await page.getByRole('cell', { name: /hireEmployee/ }).count()).toBe(2);
  });
});

it('fits a phone’s width and works from the keyboard', async () => {
  await step(
    'phone',
    async (page) => {
      await page.goto(`${origin}/console`);
      await page.getByLabel('E-mail').waitFor();
      // Keyboard only: the skip link, then the form's fields in order.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.type(FOUNDER);
      await page.keyboard.press('Tab');
      await page.keyboard.type(FOUNDER_PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      for (const path of ['/console', '/console/people', '/console/keys']) {
        await page.goto(`${origin}${path}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.locator('.loading').waitFor({ state: 'detached' });
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect({ path, overflow }).toEqual({ path, overflow: 0 });
      }
    },
    390,
  );
});

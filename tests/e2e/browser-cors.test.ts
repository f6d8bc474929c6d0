import type { Browser } from 'playwright-core';
import { createCompany, type GatewayCompany } from '../support/company';
import { launchChromium, servePage, withScreenshotOnFailure } from '../support/browser';
import { startExtraGateway, startTestStack, type TestStack } from '../support/stack';

// A real page in Chromium, on another origin than the gateway, calling it with a key.

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let browser: Browser;
let gateway: { url: string; stop: () => Promise<void> };
const pages: Array<{ origin: string; close: () => Promise<void> }> = [];

const PAGE = '<!doctype html><html lang="en"><head><title>Partner app</title></head><body><h1>Partner app</h1></body></html>';

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Browser', modules: ['EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta Browser', modules: ['EMPLOYEES'] });
  pages.push(await servePage(PAGE), await servePage(PAGE), await servePage(PAGE));
  const extra = await startExtraGateway(t, { corsOrigins: [pages[0]!.origin] });
  gateway = { url: extra.gateway.url, stop: extra.stop };
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  for (const p of pages) await p.close();
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

/** What the page's own script gets back from a call to the gateway: the JSON, or the browser's error. */
async function callFromPage(origin: string, name: string, init: { contentType: string; token?: string }): Promise<unknown> {
  const page = await browser.newPage();
  try {
    await page.goto(origin);
    return await withScreenshotOnFailure(page, name, () =>
      page.evaluate(
        async ({ url, contentType, token }) => {
          try {
            const response = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
              body: JSON.stringify({ query: '{ me { company { slug } } }' }),
            });
            return { status: response.status, body: await response.json() };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { url: gateway.url, ...init },
      ),
    );
  } finally {
    await page.close();
  }
}

describe('CORS in a real browser', () => {
  it('lets a page on an allowed origin call the gateway with a key', async () => {
    const answer = await callFromPage(pages[0]!.origin, 'cors-allowed', { contentType: 'application/json', token: acme.secret });
    expect(answer).toMatchObject({ status: 200, body: { data: { me: { company: { slug: acme.slug } } } } });
  });

  it('refuses a page on any other origin: its script cannot read the answer', async () => {
    const answer = await callFromPage(pages[1]!.origin, 'cors-refused', { contentType: 'application/json', token: acme.secret });
    expect(answer).toEqual({ error: 'TypeError: Failed to fetch' });
  });

  it('keeps CSRF prevention on: requests a page can send without a preflight are refused, even from an allowed origin', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(pages[0]!.origin);
      const answers = await withScreenshotOnFailure(page, 'csrf', () =>
        page.evaluate(async (url) => {
          const simple = [
            fetch(`${url}?query=${encodeURIComponent('{ plans { code } }')}`),
            fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ plans { code } }' }) }),
          ];
          return Promise.all(
            simple.map(async (r) => {
              const res = await r;
              return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string }> } };
            }),
          );
        }, gateway.url),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.body.data ?? null).toBeNull();
      }
      expect(answers[0]!.body.errors![0]!.message).toMatch(/Cross-Site Request Forgery/);
      expect(answers[1]!.body.errors![0]!.message).toMatch(/Content-Type: application\/json/);
    } finally {
      await page.close();
    }
  });
});

describe('the preflight', () => {
  const preflight = (origin: string) =>
    fetch(gateway.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,apollo-require-preflight,x-request-id',
      },
    });

  it('answers an allowed origin with exactly it, the methods and headers the API takes, and no credentials', async () => {
    const res = await preflight(pages[0]!.origin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(pages[0]!.origin);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight', 'x-request-id']),
    );
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('answers any other origin without an allow-origin header', async () => {
    const res = await preflight(pages[1]!.origin);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a company’s own console origin', () => {
  it('is allowed within a second of being set, for that company’s credentials and for signing in, never for another company', async () => {
    const console = pages[2]!.origin;
    const set = await acme.gql<{ setCompanyOrigins: { company: { corsOrigins: string[] } | null; userErrors: unknown[] } }>(
      'mutation($input: SetCompanyOriginsInput!) { setCompanyOrigins(input: $input) { company { corsOrigins } userErrors { code } } }',
      { input: { companyId: acme.companyId, origins: [console] } },
    );
    expect(set.data!.setCompanyOrigins).toEqual({ company: { corsOrigins: [console] }, userErrors: [] });
    const until = Date.now() + 1000;
    const allowed = () =>
      fetch(gateway.url, { method: 'OPTIONS', headers: { origin: console, 'access-control-request-method': 'POST' } }).then((r) =>
        r.headers.get('access-control-allow-origin'),
      );
    let heard = await allowed();
    while (heard === null && Date.now() < until) heard = await allowed();
    expect(heard).toBe(console);

    expect(await callFromPage(console, 'company-origin-own', { contentType: 'application/json', token: acme.secret })).toMatchObject({
      status: 200,
      body: { data: { me: { company: { slug: acme.slug } } } },
    });
    const foreign = (await callFromPage(console, 'company-origin-foreign', { contentType: 'application/json', token: beta.secret })) as {
      status: number;
      body: { errors: Array<{ extensions: { code: string; reason: string } }> };
    };
    expect(foreign.status).toBe(403);
    expect(foreign.body.errors[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ORIGIN_NOT_ALLOWED' });
    // Without a credential (a person about to sign in) the origin is no obstacle: the answer is the usual 401, not 403.
    const anonymous = (await callFromPage(console, 'company-origin-anonymous', { contentType: 'application/json' })) as { status: number };
    expect(anonymous.status).toBe(401);
    // Another company's console origin stays closed to the first page.
    expect(await callFromPage(pages[1]!.origin, 'company-origin-other', { contentType: 'application/json', token: acme.secret })).toEqual({
      error: 'TypeError: Failed to fetch',
    });
  });

  it('refuses anything but exact origins', async () => {
    const res = await acme.gql<{ setCompanyOrigins: { userErrors: Array<{ field: string[]; code: string }> } }>(
      'mutation($input: SetCompanyOriginsInput!) { setCompanyOrigins(input: $input) { userErrors { field code } } }',
      { input: { companyId: acme.companyId, origins: ['https://*.acme.example', 'https://erp.acme.example/console'] } },
    );
    expect(res.data!.setCompanyOrigins.userErrors).toEqual([
      { field: ['input', 'origins', '0'], code: 'INVALID_ORIGIN' },
      { field: ['input', 'origins', '1'], code: 'INVALID_ORIGIN' },
    ]);
  });
});

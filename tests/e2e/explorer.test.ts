import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildExplorer } from '../../scripts/build-explorer';
import { launchChromium, withScreenshotOnFailure } from '../support/browser';
import { createCompany, type GatewayCompany } from '../support/company';
import { startExtraGateway, startTestStack, type TestStack } from '../support/stack';

// The explorer bundled into the gateway, used in Chromium with no network but the gateway's own.

let t: TestStack;
let acme: GatewayCompany;
let browser: Browser;
let explorerDir: string;
const gateways: Array<{ origin: string; stop: () => Promise<void> }> = [];

async function gatewayWith(overrides: { sandbox: boolean; explorerDir: string }): Promise<string> {
  const extra = await startExtraGateway(t, overrides);
  const origin = new URL(extra.gateway.url).origin;
  gateways.push({ origin, stop: extra.stop });
  return origin;
}

beforeAll(async () => {
  explorerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-explorer-'));
  // Built as `npm run build` builds it, so a gateway serves exactly what ships.
  await buildExplorer(explorerDir);
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Explorer', modules: ['EMPLOYEES'] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const g of gateways) await g.stop();
  await acme?.tenantDb.destroy();
  await t?.stop();
  if (explorerDir) fs.rmSync(explorerDir, { recursive: true, force: true });
});

/** A page whose every request off this machine is aborted and written down. */
async function offlinePage(): Promise<{ page: Page; outside: string[] }> {
  const page = await browser.newPage();
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    const { protocol, hostname } = new URL(route.request().url());
    const local = protocol === 'data:' || protocol === 'blob:' || hostname === '127.0.0.1' || hostname === 'localhost';
    if (local) return route.continue();
    outside.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  return { page, outside };
}

/** The headers editor's text, replaced as a person would: select all, type. */
async function typeHeaders(page: Page, headers: string): Promise<void> {
  const editor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText, not type: CodeMirror would close each bracket and quote it is typed.
  await page.keyboard.insertText(headers);
}

describe('the explorer at /explorer', () => {
  it('runs a query with the key typed into its headers and shows the schema docs, offline', async () => {
    const origin = await gatewayWith({ sandbox: true, explorerDir });
    const { page, outside } = await offlinePage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    try {
      await withScreenshotOnFailure(page, 'explorer', async () => {
        const response = await page.goto(`${origin}/explorer`);
        expect(response?.status()).toBe(200);
        await page.locator('.graphiql-container').waitFor();
        // The placeholder tells the person what to put there.
        await expect(page.locator('.graphiql-editor-tool').textContent()).resolves.toContain('Bearer <your key or personal token>');

        await typeHeaders(page, JSON.stringify({ Authorization: `Bearer ${acme.secret}` }));
        await page.locator('.graphiql-query-editor .CodeMirror').click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText('{ me { company { slug } } }');
        await page.locator('.graphiql-execute-button').click();
        await page.locator('.graphiql-response').getByText(acme.slug).waitFor();

        await page.locator('button[aria-label*="Documentation Explorer"]').click();
        await page.locator('.graphiql-doc-explorer-search input').fill('Employee');
        await page
          .locator('.graphiql-doc-explorer-search [role="option"]')
          .filter({ hasText: /^Employee$/ })
          .first()
          .click();
        await expect(page.locator('.graphiql-doc-explorer-title').textContent()).resolves.toBe('Employee');

        await expect(page.locator('a[href="/graphql"]').textContent()).resolves.toMatch(/Apollo Sandbox/);
      });
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('serves the page fresh and the hashed assets for a year', async () => {
    const origin = gateways[0]!.origin;
    const page = await fetch(`${origin}/explorer`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const assets = [...(await page.text()).matchAll(/(?:src|href)="(\/explorer\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const res = await fetch(`${origin}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await fetch(`${origin}/explorer/no-such-file.js`)).status).toBe(404);
  });

  it('links to itself from the Sandbox landing page', async () => {
    const res = await fetch(`${gateways[0]!.origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/explorer"');
    // The link's style carries the nonce of the page's own policy, which refuses any other inline style.
    const nonce = /'nonce-([0-9a-f]+)'/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<style nonce="${nonce}">.fluxo-explorer-link`);
  });

  it('answers 503 with what to run when the explorer was never built', async () => {
    const origin = await gatewayWith({ sandbox: true, explorerDir: path.join(explorerDir, 'not-built') });
    const res = await fetch(`${origin}/explorer`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
    // The API beside it is unaffected.
    expect((await acme.gql('{ me { company { slug } } }')).data).toEqual({ me: { company: { slug: acme.slug } } });
  });

  it('is not served with the sandbox off, as in production', async () => {
    const origin = await gatewayWith({ sandbox: false, explorerDir });
    expect((await fetch(`${origin}/explorer`)).status).toBe(404);
    const assets = fs.readdirSync(explorerDir).filter((f) => f.endsWith('.js'));
    expect((await fetch(`${origin}/explorer/${assets[0]}`)).status).toBe(404);
  });
});

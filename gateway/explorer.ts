import type { Express } from 'express';
import { defaultBuildDir, mountBuiltPages } from './built-pages';

/** The URL path of the explorer; its assets live under it. */
export const EXPLORER_PATH = '/explorer';

/**
 * Everything the page loads comes from 'self'. GraphiQL's editors set inline
 * styles and its fonts are data: URLs; nothing may be fetched from elsewhere,
 * so a page that works here works offline too.
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` writes the explorer (dist/explorer). */
export function defaultExplorerDir(): string {
  return defaultBuildDir('explorer');
}

/** Serves the bundled GraphiQL at /explorer and its assets under it. Mounted only with the sandbox switch on. */
export function mountExplorer(app: Express, explorerDir: string): void {
  mountBuiltPages(app, { what: 'The explorer', dir: explorerDir, pages: [EXPLORER_PATH], assetsPath: EXPLORER_PATH, policy: PAGE_POLICY });
}

/**
 * Apollo's Sandbox page with a corner link to the explorer, which matters most
 * when Sandbox cannot load (no network to Apollo's CDN). Apollo's landing page
 * takes no custom markup, so the link goes in before </body>; its style reuses
 * the page's CSP nonce, as that policy refuses other inline styles.
 */
export function withExplorerLink(sandboxHtml: string): string {
  const nonce = /nonce=["']?([0-9a-f]+)/.exec(sandboxHtml)?.[1];
  const style = nonce
    ? `<style nonce="${nonce}">.fluxo-explorer-link{position:fixed;right:12px;bottom:12px;z-index:10;padding:4px 10px;border-radius:4px;background:#fff;color:#1b1b1b;font:13px system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}</style>`
    : '';
  const link = `${style}<a class="fluxo-explorer-link" href="${EXPLORER_PATH}">Offline explorer (GraphiQL)</a>`;
  const end = sandboxHtml.lastIndexOf('</body>');
  return end === -1 ? sandboxHtml + link : sandboxHtml.slice(0, end) + link + sandboxHtml.slice(end);
}

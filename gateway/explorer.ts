import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';

/** The URL path of the explorer; its assets live under it. */
export const EXPLORER_PATH = '/explorer';

// Asset names carry their content hash (scripts/build-explorer.ts), so a browser may keep them; the page itself is revalidated.
const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';
const PAGE_CACHE = 'no-cache';

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

/**
 * Where `npm run build` writes the explorer (dist/explorer): beside this file
 * when it runs from sources (gateway/ → dist/explorer) or compiled (dist/gateway/ → dist/explorer).
 */
export function defaultExplorerDir(): string {
  const candidates = [path.resolve(__dirname, '..', 'dist', 'explorer'), path.resolve(__dirname, '..', 'explorer')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * Serves the bundled GraphiQL at /explorer and its assets under it. Mounted
 * only with the sandbox switch on. A gateway started without the built assets
 * answers 503 with what to run, checked on each request so that building while
 * the gateway runs is enough.
 */
export function mountExplorer(app: Express, explorerDir: string): void {
  const page = path.join(explorerDir, 'index.html');
  const notBuilt = (res: Response) => res.status(503).type('text/plain').send(`The explorer is not built (no ${page}). Run \`npm run build\`, then reload.\n`);
  app.get(EXPLORER_PATH, (_req, res) => {
    if (!fs.existsSync(page)) {
      notBuilt(res);
      return;
    }
    res.set({ 'cache-control': PAGE_CACHE, 'content-security-policy': PAGE_POLICY });
    // A build that swaps the folder between the check and the read is answered the same way.
    res.sendFile(page, (error) => {
      if (error && !res.headersSent) notBuilt(res);
    });
  });
  app.use(
    EXPLORER_PATH,
    express.static(explorerDir, {
      index: false,
      setHeaders: (res, file) => res.setHeader('cache-control', path.basename(file) === 'index.html' ? PAGE_CACHE : HASHED_ASSET_CACHE),
    }),
    (_req: Request, res: Response) => res.status(404).type('text/plain').send('No such file in the explorer.\n'),
  );
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

import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';

// Asset names carry their content hash (the builds in scripts/), so a browser may keep them; pages are revalidated.
const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';
const PAGE_CACHE = 'no-cache';

export interface BuiltPages {
  /** What the pages are, for the 503 when they are not built, e.g. "The explorer". */
  what: string;
  /** The folder `npm run build` writes, holding index.html and the assets. */
  dir: string;
  /** URL paths answered with index.html (Express 5 patterns, e.g. '/portal{/*rest}'). */
  pages: string[];
  /** The URL path the assets are served under. */
  assetsPath: string;
  /** The page's Content-Security-Policy. */
  policy: string;
}

/**
 * Where `npm run build` writes a bundle (dist/<name>): beside this file when it
 * runs from sources (gateway/ → dist/<name>) or compiled (dist/gateway/ → dist/<name>).
 */
export function defaultBuildDir(name: string): string {
  const candidates = [path.resolve(__dirname, '..', 'dist', name), path.resolve(__dirname, '..', name)];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * Serves a browser bundle built by `npm run build`: its page at each of
 * `pages` and its assets under `assetsPath`. A gateway started without the
 * built files answers 503 with what to run, checked on each request so that
 * building while the gateway runs is enough.
 */
export function mountBuiltPages(app: Express, pages: BuiltPages): void {
  const page = path.join(pages.dir, 'index.html');
  const notBuilt = (res: Response) => res.status(503).type('text/plain').send(`${pages.what} is not built (no ${page}). Run \`npm run build\`, then reload.\n`);
  app.get(pages.pages, (_req, res) => {
    if (!fs.existsSync(page)) {
      notBuilt(res);
      return;
    }
    res.set({ 'cache-control': PAGE_CACHE, 'content-security-policy': pages.policy, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    // A build that swaps the folder between the check and the read is answered the same way.
    res.sendFile(page, (error) => {
      if (error && !res.headersSent) notBuilt(res);
    });
  });
  app.use(
    pages.assetsPath,
    express.static(pages.dir, {
      index: false,
      setHeaders: (res, file) => res.setHeader('cache-control', path.basename(file) === 'index.html' ? PAGE_CACHE : HASHED_ASSET_CACHE),
    }),
    (_req: Request, res: Response) => res.status(404).type('text/plain').send(`No such file in ${pages.what.toLowerCase()}.\n`),
  );
}

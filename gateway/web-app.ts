import type { Express } from 'express';
import { defaultBuildDir, mountBuiltPages } from './built-pages';

/** Where the web app's pages live; each is the same bundle, routed in the browser. */
export const WEB_APP_PATHS = { portal: '/portal', operator: '/admin', company: '/console' } as const;
/** The URL path of its hashed assets (web/vite.config.ts `base`). */
const ASSETS_PATH = '/app';

/**
 * Scripts and styles only from the gateway itself, no inline script or style
 * element, and calls only to its own /graphql: the tokens a signed-in page
 * holds have nowhere else to go.
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` writes the web app (dist/web). */
export function defaultWebAppDir(): string {
  return defaultBuildDir('web');
}

/**
 * The portal (public), the operator console and the company console. They are
 * the product's own frontend, not a debugging aid, so they are served whatever
 * the sandbox switch says; the API decides what each caller may do.
 */
export function mountWebApp(app: Express, dir: string): void {
  const pages = Object.values(WEB_APP_PATHS).flatMap((p) => [p, `${p}/{*rest}`]);
  mountBuiltPages(app, { what: 'The web app', dir, pages, assetsPath: ASSETS_PATH, policy: PAGE_POLICY });
}

/**
 * The web app's build: React with Vite, into dist/web. The gateway serves the
 * pages at /portal, /admin and /console and the hashed assets under /app.
 * `npm run build` runs it (scripts/build-web.ts); `npx vite --config web/vite.config.ts`
 * serves it for development, proxying /graphql to a gateway on FLUXO_GATEWAY_URL.
 */
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export const WEB_BASE = '/app/';

export default defineConfig({
  root: __dirname,
  base: WEB_BASE,
  plugins: [react()],
  // No inline scripts or styles, so the gateway's page policy can forbid them.
  build: {
    outDir: path.resolve(__dirname, '..', 'dist', 'web'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: true,
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/graphql': process.env.FLUXO_GATEWAY_URL ?? 'http://127.0.0.1:4000' },
  },
});

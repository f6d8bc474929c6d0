/**
 * Builds the web app (web/: React with Vite) into dist/web, as `npm run build`
 * does; tests call `buildWeb` into a temporary folder so that a gateway serves
 * exactly what ships. Vite runs as its own command: it is an ES module, and
 * this repository's tools and tests load CommonJS.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..');
const configFile = path.join(root, 'web', 'vite.config.ts');
const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
/** Where `npm run build` writes it; gateway/web-app.ts looks here by default. */
export const WEB_OUT_DIR = path.join(root, 'dist', 'web');

export async function buildWeb(outDir: string = WEB_OUT_DIR): Promise<void> {
  await promisify(execFile)(process.execPath, [vite, 'build', '--config', configFile, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
  });
}

if (require.main === module) {
  const started = Date.now();
  buildWeb().then(
    () => console.log(`web app built in ${Date.now() - started} ms: ${path.relative(process.cwd(), WEB_OUT_DIR)}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

/**
 * Bundles the explorer (explorer/main.tsx: GraphiQL, React and their CSS) into
 * dist/explorer: minified JS and CSS named by content hash, so the gateway can
 * cache them for a year, and an index.html that names them. Everything the page
 * loads comes from this folder: no CDN, so it works offline.
 * `npm run build` runs it; tests call `buildExplorer` into a temporary folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const source = path.resolve(__dirname, '..', 'explorer');
/** Where `npm run build` writes it; gateway/explorer.ts looks here by default. */
export const EXPLORER_OUT_DIR = path.resolve(__dirname, '..', 'dist', 'explorer');
/** The path the gateway serves the explorer under; the page names its assets absolutely, as /explorer answers without a trailing slash. */
const PUBLIC_PATH = '/explorer';

export async function buildExplorer(outDir: string = EXPLORER_OUT_DIR): Promise<void> {
  // A clean folder, so yesterday's hashed files do not pile up beside today's.
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: [path.join(source, 'main.tsx')],
    tsconfig: path.join(source, 'tsconfig.json'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    // React's production build, without its development warnings.
    define: { 'process.env.NODE_ENV': '"production"' },
    // GraphiQL's fonts are data: URLs in its CSS; anything else it points at is inlined too rather than fetched.
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    entryNames: '[name]-[hash]',
    outdir: outDir,
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style) throw new Error(`explorer build wrote no script or stylesheet: ${outputs.join(', ')}`);
  fs.writeFileSync(path.join(outDir, 'index.html'), indexHtml(script, style));
}

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Fluxo explorer</title>
    <link rel="stylesheet" href="${PUBLIC_PATH}/${style}" />
  </head>
  <body>
    <div id="root"></div>
    <script src="${PUBLIC_PATH}/${script}"></script>
  </body>
</html>
`;
}

if (require.main === module) {
  const started = Date.now();
  buildExplorer().then(
    () => console.log(`explorer built in ${Date.now() - started} ms: ${path.relative(process.cwd(), EXPLORER_OUT_DIR)}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

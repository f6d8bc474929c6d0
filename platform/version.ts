import fs from 'node:fs';
import path from 'node:path';

/**
 * Fluxo's version, from the package.json beside the sources (platform/) or
 * the build (dist/platform/): what `fluxo --version`, the gateway's /health
 * and its `x-fluxo-version` header report. `npm run release` sets it.
 */
export const FLUXO_VERSION: string = readVersion();

function readVersion(): string {
  for (const candidate of [path.resolve(__dirname, '..', 'package.json'), path.resolve(__dirname, '..', '..', 'package.json')]) {
    if (!fs.existsSync(candidate)) continue;
    const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'fluxo' && pkg.version) return pkg.version;
  }
  return '0.0.0-unknown';
}

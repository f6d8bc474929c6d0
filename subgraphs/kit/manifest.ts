import fs from 'node:fs';
import path from 'node:path';
import type { ModuleName } from '../../platform/modules';

/** What the platform needs to know about a subgraph to compose, run and route to it. */
export interface SubgraphManifest {
  /** Service name in the supergraph. */
  name: string;
  /** The module it serves, or null for the platform's own access subgraph. */
  module: ModuleName | null;
  /** Port when run locally; `FLUXO_<NAME>_PORT` overrides it. */
  defaultPort: number;
}

export const SUBGRAPHS_ROOT = path.resolve(__dirname, '..');

/** Every subgraph folder with a manifest, in name order: adding a folder adds a subgraph. */
export function discoverSubgraphs(): SubgraphManifest[] {
  return fs
    .readdirSync(SUBGRAPHS_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'kit')
    .filter((d) => fs.existsSync(path.join(SUBGRAPHS_ROOT, d.name, 'manifest.ts')) || fs.existsSync(path.join(SUBGRAPHS_ROOT, d.name, 'manifest.js')))
    .map((d) => (require(path.join(SUBGRAPHS_ROOT, d.name, 'manifest')) as { manifest: SubgraphManifest }).manifest)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The SDL a subgraph serves: the kit's shared types followed by its own schema. */
export function subgraphSdl(name: string): string {
  const root = path.join(SUBGRAPHS_ROOT, '..');
  const read = (rel: string) => {
    // Sources when run from TypeScript; dist/ copies them next to the compiled code.
    for (const base of [root, path.join(root, '..')]) {
      const file = path.join(base, rel);
      if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
    }
    throw new Error(`schema file ${rel} not found`);
  };
  return `${read('subgraphs/kit/common.graphql')}\n${read(`subgraphs/${name}/schema.graphql`)}`;
}

export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function subgraphPort(manifest: SubgraphManifest, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[`FLUXO_${envName(manifest.name)}_PORT`];
  return raw === undefined || raw === '' ? manifest.defaultPort : Number(raw);
}

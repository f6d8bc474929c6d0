import fs from 'node:fs';
import path from 'node:path';
import { envName, type FluxoConfig } from './config';
import type { ModuleName } from './modules';
import type { EventConsumer } from './outbox';

/** What the platform needs to know about a subgraph to compose, run and route to it. */
export interface SubgraphManifest {
  /** Service name in the supergraph. */
  name: string;
  /** The module it serves, or null for the platform's own access subgraph. */
  module: ModuleName | null;
  /** Port when run locally; `FLUXO_<NAME>_PORT` overrides it. */
  defaultPort: number;
}

/** `subgraphs/`, from sources (tsx, jest) and from dist/. */
export const SUBGRAPHS_ROOT = path.resolve(__dirname, '..', 'subgraphs');

/** Folders under subgraphs/ that are libraries, not subgraphs. */
const LIBRARIES = new Set(['kit', 'contracts']);

function hasFile(folder: string, base: string): boolean {
  return fs.existsSync(path.join(folder, `${base}.ts`)) || fs.existsSync(path.join(folder, `${base}.js`));
}

/**
 * Every subgraph folder with a manifest, in name order: adding a folder adds a
 * subgraph. Manifests are plain data, so discovering them loads no module code.
 */
export function discoverSubgraphs(): SubgraphManifest[] {
  return (
    fs
      .readdirSync(SUBGRAPHS_ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !LIBRARIES.has(d.name) && hasFile(path.join(SUBGRAPHS_ROOT, d.name), 'manifest'))
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- found by folder at run time, and loaded synchronously like every caller expects
      .map((d) => (require(path.join(SUBGRAPHS_ROOT, d.name, 'manifest')) as { manifest: SubgraphManifest }).manifest)
      .sort((a, b) => a.name.localeCompare(b.name))
  );
}

/**
 * Every module's event consumers: a subgraph folder with a consumers.ts takes
 * part. Loaded by folder, as plug-ins, so the worker depends on no module.
 */
export function loadConsumers(): EventConsumer[] {
  const consumers: EventConsumer[] = [];
  for (const manifest of discoverSubgraphs()) {
    const folder = path.join(SUBGRAPHS_ROOT, manifest.name);
    if (!hasFile(folder, 'consumers')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plug-in found by folder at run time (see discoverSubgraphs)
    consumers.push(...(require(path.join(folder, 'consumers')) as { consumers: EventConsumer[] }).consumers);
  }
  return consumers;
}

/** The subgraph's port: FLUXO_<NAME>_PORT when set, else its manifest's. */
export function subgraphPort(manifest: SubgraphManifest, config: Pick<FluxoConfig, 'subgraph'>): number {
  return config.subgraph.ports[envName(manifest.name)] ?? manifest.defaultPort;
}

import type { SubgraphManifest } from '../../platform/subgraphs';

export const manifest: SubgraphManifest = { name: 'assets', module: 'ASSETS', defaultPort: 4002 };

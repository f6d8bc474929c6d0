import type { SubgraphManifest } from '../../platform/subgraphs';

export const manifest: SubgraphManifest = { name: 'access', module: null, defaultPort: 4001 };

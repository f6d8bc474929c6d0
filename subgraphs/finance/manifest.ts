import type { SubgraphManifest } from '../../platform/subgraphs';

export const manifest: SubgraphManifest = { name: 'finance', module: 'FINANCE', defaultPort: 4004 };

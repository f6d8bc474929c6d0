import type { SubgraphManifest } from '../../platform/subgraphs';

export const manifest: SubgraphManifest = { name: 'employees', module: 'EMPLOYEES', defaultPort: 4003 };

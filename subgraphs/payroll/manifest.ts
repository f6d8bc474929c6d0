import type { SubgraphManifest } from '../../platform/subgraphs';

export const manifest: SubgraphManifest = { name: 'payroll', module: 'PAYROLL', defaultPort: 4005 };

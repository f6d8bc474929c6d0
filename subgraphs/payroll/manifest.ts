import type { SubgraphManifest } from '../kit/manifest';

export const manifest: SubgraphManifest = { name: 'payroll', module: 'PAYROLL', defaultPort: 4005 };

import type { SubgraphManifest } from '../kit/manifest';

export const manifest: SubgraphManifest = { name: 'employees', module: 'EMPLOYEES', defaultPort: 4003 };

import type { SubgraphManifest } from '../kit/manifest';

export const manifest: SubgraphManifest = { name: 'finance', module: 'FINANCE', defaultPort: 4004 };

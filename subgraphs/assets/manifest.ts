import type { SubgraphManifest } from '../kit/manifest';

export const manifest: SubgraphManifest = { name: 'assets', module: 'ASSETS', defaultPort: 4002 };

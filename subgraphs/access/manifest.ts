import type { SubgraphManifest } from '../kit/manifest';

export const manifest: SubgraphManifest = { name: 'access', module: null, defaultPort: 4001 };

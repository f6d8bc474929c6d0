import fs from 'node:fs';
import path from 'node:path';
import type { EventConsumer } from '../subgraphs/kit/events';
import { discoverSubgraphs, SUBGRAPHS_ROOT } from '../subgraphs/kit/manifest';

/** Every module's event consumers: a subgraph folder with a consumers.ts takes part. */
export function loadConsumers(): EventConsumer[] {
  const consumers: EventConsumer[] = [];
  for (const manifest of discoverSubgraphs()) {
    const file = path.join(SUBGRAPHS_ROOT, manifest.name, 'consumers');
    if (!fs.existsSync(`${file}.ts`) && !fs.existsSync(`${file}.js`)) continue;
    consumers.push(...(require(file) as { consumers: EventConsumer[] }).consumers);
  }
  return consumers;
}

/**
 * Every operation a release published (operations/published/<version>.json,
 * the persisted manifest as it was at that release) must keep working: its id
 * must still be in today's manifest, since partners call by id, and its body
 * must still validate against today's API schema. `npm run check:published`
 * runs this in CI, so a schema change that would break a published client
 * fails before it lands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';

const root = path.resolve(__dirname, '..');
export const PUBLISHED_DIR = path.join(root, 'operations', 'published');

interface Manifest {
  operations: Array<{ id: string; name: string; body: string }>;
}

export interface Breakage {
  release: string;
  operation: string;
  problem: string;
}

/** What today's schema and manifest break of the releases in `dir`. */
export function publishedBreakages(schema: GraphQLSchema, current: Manifest, dir: string = PUBLISHED_DIR): Breakage[] {
  const ids = new Set(current.operations.map((o) => o.id));
  const breakages: Breakage[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const release = path.basename(file, '.json');
    const published = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Manifest;
    for (const operation of published.operations) {
      if (!ids.has(operation.id))
        breakages.push({ release, operation: operation.name, problem: `its id ${operation.id.slice(0, 12)}… is no longer in the manifest` });
      for (const error of validate(schema, parse(operation.body))) breakages.push({ release, operation: operation.name, problem: error.message });
    }
  }
  return breakages;
}

export function loadCurrent(): { schema: GraphQLSchema; manifest: Manifest } {
  return {
    schema: buildSchema(fs.readFileSync(path.join(root, 'schema', 'api-schema.graphql'), 'utf8')),
    manifest: JSON.parse(fs.readFileSync(path.join(root, 'operations', 'manifest.json'), 'utf8')) as Manifest,
  };
}

if (require.main === module) {
  const { schema, manifest } = loadCurrent();
  const breakages = publishedBreakages(schema, manifest);
  const releases = fs.readdirSync(PUBLISHED_DIR).filter((f) => f.endsWith('.json')).length;
  if (breakages.length > 0) {
    console.error('This change breaks operations that releases published:');
    for (const b of breakages) console.error(`  ${b.release} ${b.operation}: ${b.problem}`);
    console.error('Keep the field (deprecate it with @deprecated instead), or keep the operation in operations/**.');
    process.exitCode = 1;
  } else console.log(`published operations of ${releases} release(s) still valid`);
}

/**
 * Every operation a release published (operations/published/<version>.json,
 * the persisted manifest as it was at that release) must keep working: its id
 * must still be in today's manifest, since partners call by id, and its body
 * must still validate against today's API schema. And today's API schema has
 * no breaking change against the last release's (schema/releases/<version>.graphql,
 * graphql-js's findBreakingChanges) unless schema/accepted-breaking-changes.json
 * names it with a reason. `npm run check:published` runs this in CI, so a
 * schema change that would break a published client fails before it lands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges, parse, validate, type GraphQLSchema } from 'graphql';

const root = path.resolve(__dirname, '..');
export const PUBLISHED_DIR = path.join(root, 'operations', 'published');
/** The API schema of each release, as `npm run release` left it. */
export const RELEASED_SCHEMAS_DIR = path.join(root, 'schema', 'releases');
/** Breaking changes the next release makes on purpose, each with its reason; emptied by `npm run release`. */
export const ACCEPTED_BREAKING_FILE = path.join(root, 'schema', 'accepted-breaking-changes.json');

/** A breaking change let through: graphql-js's description of it, word for word, and why. */
export interface AcceptedBreakingChange {
  description: string;
  reason: string;
}

export interface SchemaBreakage {
  release: string;
  type: string;
  description: string;
}

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

/** The newest release in `dir` by version, or null when none was released. */
function newestRelease(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const versions = fs
    .readdirSync(dir)
    .filter((f) => /^v\d+\.\d+\.\d+\.graphql$/.test(f))
    .map((f) => path.basename(f, '.graphql'));
  const key = (v: string) => v.slice(1).split('.').map(Number) as [number, number, number];
  versions.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  return versions.at(-1) ?? null;
}

/** Today's breaking changes against the last release's API schema, but for those accepted on purpose. */
export function schemaBreakages(schema: GraphQLSchema, accepted: readonly AcceptedBreakingChange[], dir: string = RELEASED_SCHEMAS_DIR): SchemaBreakage[] {
  const release = newestRelease(dir);
  if (!release) return [];
  const before = buildSchema(fs.readFileSync(path.join(dir, `${release}.graphql`), 'utf8'));
  const allowed = new Set(accepted.map((a) => a.description));
  return findBreakingChanges(before, schema)
    .filter((change) => !allowed.has(change.description))
    .map((change) => ({ release, type: change.type, description: change.description }));
}

export function loadAccepted(file: string = ACCEPTED_BREAKING_FILE): AcceptedBreakingChange[] {
  if (!fs.existsSync(file)) return [];
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as AcceptedBreakingChange[];
  for (const entry of list) {
    if (!entry.description || !entry.reason?.trim()) throw new Error(`${path.relative(root, file)}: every entry needs a description and a reason`);
  }
  return list;
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
  const changes = schemaBreakages(schema, loadAccepted());
  if (changes.length > 0) {
    console.error(`This change breaks the API schema of ${changes[0]!.release}:`);
    for (const c of changes) console.error(`  ${c.type}: ${c.description}`);
    console.error('Deprecate instead (docs/versioning.md), or, for a break made on purpose, add it to schema/accepted-breaking-changes.json with a reason.');
    process.exitCode = 1;
  } else console.log('no breaking change against the last released API schema');
}

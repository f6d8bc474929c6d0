/**
 * Checks docs/adding-a-module.md by following it. In a copy of the repository
 * it writes the page's example module (its code blocks, `fleet` renamed
 * `scratch`), makes the three registrations the page names and nothing else, then:
 * composes and generates, type-checks and lints the new module, runs the
 * compose-file, contract and layer tests, and starts the whole stack to answer a
 * query of the new module through the gateway with a key that grants it.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/scratch-module.ts
 *
 * It creates its databases on that server and drops them afterwards. About 40 s,
 * so CI runs it beside the test suite rather than inside it (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { startStack } from '../app/stack';
import { generateAdminToken } from '../platform/access-key-format';
import { loadConfig } from '../platform/config';
import { createDatabase, quoteIdent, withDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { generateContextKeyPair } from '../platform/tenant-context';

const DOC = 'docs/adding-a-module.md';
/** The module the page uses as its example, and the name it gets here. */
const EXAMPLE = { lower: 'fleet', title: 'Fleet', upper: 'FLEET' };
const SCRATCH = { lower: 'scratch', title: 'Scratch', upper: 'SCRATCH' };

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`scratch module: ${message}`);
}

const rename = (text: string) =>
  text.split(EXAMPLE.lower).join(SCRATCH.lower).split(EXAMPLE.title).join(SCRATCH.title).split(EXAMPLE.upper).join(SCRATCH.upper);

/** The page's code blocks that name a target after their language: "```ts subgraphs/fleet/manifest.ts". */
function docBlocks(doc: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of doc.matchAll(/^```\w+ (\S+)\n([\s\S]*?)^```$/gm)) blocks.set(match[1]!, match[2]!);
  return blocks;
}

function block(blocks: Map<string, string>, target: string): string {
  const text = blocks.get(target);
  check(text !== undefined, `${DOC} has no code block for ${target}`);
  return text;
}

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** The repository's files (tracked and new, not ignored) copied to `target`; node_modules is linked. */
function copyRepository(root: string, target: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(root, file))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(target, file));
    fs.chmodSync(path.join(target, file), fs.statSync(path.join(root, file)).mode);
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(target, 'node_modules'), 'dir');
}

/** Step 1 and 2 of the page: the module's folder and its tenant migrations, nothing else. */
function writeModule(copy: string, blocks: Map<string, string>): string[] {
  const written: string[] = [];
  for (const [target, text] of blocks) {
    if (!target.startsWith(`subgraphs/${EXAMPLE.lower}/`) && !target.startsWith(`migrations/tenant/${EXAMPLE.lower}/`)) continue;
    const file = rename(target);
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.writeFileSync(path.join(copy, file), rename(text));
    written.push(file);
  }
  return written;
}

/** Step 3: the three registration points, with the lines the page gives. */
function register(copy: string, blocks: Map<string, string>): void {
  const permissionsFile = path.join(copy, 'platform/permissions.ts');
  const catalogue = fs.readFileSync(permissionsFile, 'utf8');
  const entries = rename(block(blocks, 'platform/permissions.ts')).replace(/\n$/, '');
  const registered = catalogue.replace(/(export const PERMISSIONS = \{\n[\s\S]*?)\n\} as const/, `$1\n${entries}\n} as const`);
  check(registered !== catalogue, 'could not add the permissions to platform/permissions.ts');
  fs.writeFileSync(permissionsFile, registered);

  const modulesFile = path.join(copy, 'platform/modules.ts');
  let modules = fs.readFileSync(modulesFile, 'utf8');
  const description = block(blocks, 'platform/modules.ts').match(new RegExp(`^\\s*${EXAMPLE.upper}: .*,$`, 'm'))?.[0];
  check(description, `the platform/modules.ts block of ${DOC} gives no description line for ${EXAMPLE.upper}`);
  modules = modules.replace(/(export const MODULES = \[[^\]]*)\] as const;/, `$1, '${SCRATCH.upper}'] as const;`);
  modules = modules.replace(/(export const MODULE_DESCRIPTIONS[^{]*\{\n[\s\S]*?)\n\};/, `$1\n${rename(description)}\n};`);
  check(modules.includes(`'${SCRATCH.upper}'] as const`) && modules.includes(`${SCRATCH.upper}: '`), 'could not register the name in platform/modules.ts');
  fs.writeFileSync(modulesFile, modules);

  const composeFile = path.join(copy, 'docker-compose.yml');
  const lines = fs.readFileSync(composeFile, 'utf8').split('\n');
  const gateway = lines.indexOf('  gateway:');
  check(gateway > 0, 'docker-compose.yml has no gateway service');
  // The gateway's URL variables and health dependencies end with the last subgraph's.
  const sectionEnd = (start: number) => {
    let end = start + 1;
    while (end < lines.length && (lines[end]!.startsWith('      ') || lines[end] === '')) end += 1;
    return end;
  };
  const environment = lines.indexOf('    environment:', gateway);
  const dependsOn = lines.indexOf('    depends_on:', gateway);
  check(environment > 0 && dependsOn > 0, 'the gateway service has no environment or depends_on');
  const roles = lines.indexOf('    environment:', lines.indexOf('  db-roles:'));
  check(lines.indexOf('  db-roles:') > 0 && roles > 0, 'docker-compose.yml has no db-roles job with an environment');
  const insertions: Array<[number, string]> = [
    [sectionEnd(roles), block(blocks, 'docker-compose.yml#db-roles.environment')],
    [sectionEnd(dependsOn), block(blocks, 'docker-compose.yml#gateway.depends_on')],
    [sectionEnd(environment), block(blocks, 'docker-compose.yml#gateway.environment')],
    [gateway, `${block(blocks, 'docker-compose.yml#services')}\n`],
  ];
  // From the bottom up, so earlier positions stay valid.
  for (const [at, text] of insertions.sort((a, b) => b[0] - a[0])) lines.splice(at, 0, ...rename(text).replace(/\n$/, '').split('\n'));
  fs.writeFileSync(composeFile, lines.join('\n'));
}

function run(copy: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const started = Date.now();
  try {
    const output = execFileSync(command, args, { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    console.log(`  ${[command, ...args].join(' ')} (${elapsed(started)})`);
    return output;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`scratch module: ${[command, ...args].join(' ')} failed\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

async function graphql(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<{ data?: Record<string, unknown>; errors?: Array<{ message: string }> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> };
}

/**
 * Inside the copy: the one-box stack on a fresh control plane. A company asks
 * for the new module, the operator approves it (a tenant database with the
 * module's schema), and its key reads the module's table through the gateway.
 */
async function serveScratchQuery(serverUrl: string): Promise<void> {
  const id = randomBytes(3).toString('hex');
  const controlPlane = `fluxo_scratch_${id}`;
  const tenantPrefix = `fluxo_scratch_${id}_t_`;
  const admin = createDatabase<unknown>(withDatabase(serverUrl, 'postgres'), { max: 1 });
  await sql.raw(`CREATE DATABASE ${quoteIdent(controlPlane)}`).execute(admin);
  const config = loadConfig({ DATABASE_URL: withDatabase(serverUrl, controlPlane), FLUXO_TENANT_DB_PREFIX: tenantPrefix, NODE_ENV: 'test' });
  const adminToken = generateAdminToken();
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  try {
    const db = createDatabase<{ module: { name: string } }>(config.databaseUrl, { max: 1 });
    try {
      await migrateGlobal(db);
      const known = await db.selectFrom('module').select('name').execute();
      check(
        known.some((m) => m.name === SCRATCH.upper),
        `the control plane's module table lacks ${SCRATCH.upper}`,
      );
    } finally {
      await db.destroy();
    }
    stack = await startStack({
      config,
      logger: createLogger('scratch', 'silent'),
      keys: generateContextKeyPair(),
      adminToken,
      gatewayPort: 0,
      subgraphPort: () => 0,
      sandbox: false,
    });
    check(
      stack.subgraphs.some((s) => s.name === SCRATCH.lower),
      `the stack did not start the ${SCRATCH.lower} subgraph`,
    );
    const url = stack.gateway.url;
    const requested = await graphql(
      url,
      'mutation($input: RequestSubscriptionInput!) { requestSubscription(input: $input) { request { id } userErrors { code } } }',
      { input: { companyName: 'Scratch Works', contactEmail: 'ops@scratch.example', modules: [SCRATCH.upper], planCode: null } },
    );
    const requestId = (requested.data?.requestSubscription as { request: { id: string } | null } | undefined)?.request?.id;
    check(requestId, `requestSubscription refused ${SCRATCH.upper}: ${JSON.stringify(requested)}`);
    const approved = await graphql(
      url,
      'mutation($id: ID!) { approveSubscriptionRequest(input: { requestId: $id }) { secret userErrors { code } } }',
      { id: requestId },
      adminToken,
    );
    const secret = (approved.data?.approveSubscriptionRequest as { secret: string | null } | undefined)?.secret;
    check(secret, `approveSubscriptionRequest failed: ${JSON.stringify(approved)}`);

    const cp = createDatabase<{ tenant: { database_name: string } }>(config.databaseUrl, { max: 1 });
    const { database_name: tenantDatabase } = await cp.selectFrom('tenant').select('database_name').executeTakeFirstOrThrow();
    await cp.destroy();
    const tenant = createDatabase<unknown>(withDatabase(serverUrl, tenantDatabase), { max: 1 });
    await sql`INSERT INTO scratch.vehicle (plate, model) VALUES ('B-XY 123', 'Renault Kangoo'), ('A-BC 42', 'Fiat Doblo')`.execute(tenant);
    await tenant.destroy();

    const answer = await graphql(url, '{ vehicles { plate model } me { modules } }', {}, secret);
    check(!answer.errors, `the query failed: ${JSON.stringify(answer.errors)}`);
    check(
      JSON.stringify(answer.data) ===
        JSON.stringify({
          vehicles: [
            { plate: 'A-BC 42', model: 'Fiat Doblo' },
            { plate: 'B-XY 123', model: 'Renault Kangoo' },
          ],
          me: { modules: [SCRATCH.upper] },
        }),
      `unexpected answer: ${JSON.stringify(answer.data)}`,
    );
    console.log(`  ${SCRATCH.lower} answered through the gateway: ${JSON.stringify(answer.data)}`);
  } finally {
    await stack?.stop();
    const leftovers = await sql<{
      datname: string;
    }>`SELECT datname FROM pg_database WHERE datname = ${controlPlane} OR starts_with(datname, ${tenantPrefix})`.execute(admin);
    for (const { datname } of leftovers.rows) await sql.raw(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).execute(admin);
    await admin.destroy();
  }
}

async function main(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  check(serverUrl, 'set TEST_DATABASE_URL to a PostgreSQL server where databases may be created');
  if (process.argv.includes('--serve')) return serveScratchQuery(serverUrl);

  const started = Date.now();
  const root = path.resolve(__dirname, '..');
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-scratch-module-'));
  try {
    copyRepository(root, copy);
    const blocks = docBlocks(fs.readFileSync(path.join(root, DOC), 'utf8'));
    const written = writeModule(copy, blocks);
    check(written.includes(`subgraphs/${SCRATCH.lower}/manifest.ts`), `${DOC} gives no manifest`);
    register(copy, blocks);
    console.log(`scratch module: wrote ${written.join(', ')}; registered in platform/modules.ts, platform/permissions.ts and docker-compose.yml (${copy})`);

    run(copy, 'npm', ['run', '--silent', 'compose']);
    const supergraph = fs.readFileSync(path.join(copy, 'schema/supergraph.graphql'), 'utf8');
    check(supergraph.includes(`${SCRATCH.upper} @join__graph(name: "${SCRATCH.lower}"`), `the composed supergraph has no ${SCRATCH.lower} subgraph`);
    check(/enum ModuleName[\s\S]*?SCRATCH @join__enumValue/.test(supergraph), `ModuleName in the supergraph lacks ${SCRATCH.upper}`);
    run(copy, 'npm', ['run', '--silent', 'codegen']);
    check(fs.existsSync(path.join(copy, `subgraphs/${SCRATCH.lower}/generated/resolvers-types.ts`)), 'codegen wrote no resolver types');
    run(copy, 'npm', ['run', '--silent', 'typecheck']);
    run(copy, 'npx', ['eslint', `subgraphs/${SCRATCH.lower}`, `migrations/tenant/${SCRATCH.lower}`]);
    run(copy, 'npx', [
      'jest',
      '--silent',
      'tests/unit/compose-file.test.ts',
      'tests/unit/contract.test.ts',
      'tests/unit/layers.test.ts',
      'tests/unit/permission-maps.test.ts',
    ]);
    process.stdout.write(run(copy, 'npx', ['tsx', 'scripts/scratch-module.ts', '--serve'], { TEST_DATABASE_URL: serverUrl }));
    console.log(`scratch module: ${DOC} holds (${elapsed(started)})`);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Each process loads only its own layer: a subgraph neither the gateway (query
 * planner, Redis, Prometheus, graphql-armor) nor the worker, nor another
 * module; the gateway no module code at all. Checked on what a fresh Node
 * process holds in require.cache after loading an entry point's imports from
 * the TypeScript sources (the entry itself would start serving).
 */
const root = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** Relative value imports of a file (type-only imports are erased and never loaded). */
function valueImports(file: string): string[] {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  const imports = [...source.matchAll(/^import\s+(?!type\s)[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)';/gm)].map((m) => m[1]!);
  return imports.map((specifier) => path.join(path.dirname(file), specifier));
}

/** Files in require.cache of a new process that required every value import of `entry`, relative to the root. */
async function loadedBy(entry: string): Promise<string[]> {
  const targets = valueImports(entry).map((target) => `./${target}`);
  const script = `for (const target of ${JSON.stringify(targets)}) require(target);\nprocess.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  try {
    const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: root,
      env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return (JSON.parse(stdout) as string[]).map((file) => path.relative(root, file));
  } catch (error) {
    // The child's stderr ends with the reason; its beginning is the loader's own source.
    const stderr = String((error as { stderr?: unknown }).stderr ?? error);
    throw new Error(`loading the imports of ${entry} failed:\n${stderr.split('\n').slice(-12).join('\n')}`, { cause: error });
  }
}

/** Packages only the gateway needs. */
const GATEWAY_PACKAGES = ['@apollo/gateway', '@apollo/query-planner', 'ioredis', 'prom-client', '@escape.tech/graphql-armor'];

const fromPackage = (pkg: string) => (file: string) => file.startsWith(`node_modules/${pkg}/`);
const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);

/** Subgraph folders: those with a manifest (kit and contracts are libraries). */
const subgraphs = fs
  .readdirSync(path.join(root, 'subgraphs'))
  .filter((name) => fs.existsSync(path.join(root, 'subgraphs', name, 'manifest.ts')))
  .sort();

describe('what each process loads', () => {
  // Every child starts at once; each test waits for its own, so one failure names itself.
  const loading = new Map<string, Promise<string[]>>();
  const loaded = (entry: string): Promise<string[]> => {
    if (!loading.has(entry)) loading.set(entry, loadedBy(entry));
    return loading.get(entry)!;
  };

  beforeAll(() => {
    for (const entry of [...subgraphs.map((name) => `subgraphs/${name}/main.ts`), 'gateway/main.ts', 'worker/main.ts']) {
      loaded(entry).catch(() => undefined);
    }
  });

  it('finds the subgraphs', () => {
    expect(subgraphs).toEqual(expect.arrayContaining(['access', 'assets', 'employees', 'finance', 'payroll']));
  });

  it.each(subgraphs)('the %s subgraph loads neither the gateway, nor the worker, nor another module', async (name) => {
    const files = await loaded(`subgraphs/${name}/main.ts`);
    // It did load its own server: the check below is about a real graph.
    expect(files).toContain(`subgraphs/${name}/subgraph.ts`);
    expect(files.some(fromPackage('@apollo/subgraph'))).toBe(true);

    for (const pkg of GATEWAY_PACKAGES) expect(files.filter(fromPackage(pkg))).toEqual([]);
    for (const folder of ['gateway', 'worker', 'app', 'cli']) expect(files.filter(under(folder))).toEqual([]);
    const otherModules = subgraphs.filter((other) => other !== name);
    expect(files.filter((file) => otherModules.some((other) => under(`subgraphs/${other}`)(file)))).toEqual([]);
  });

  it('the gateway loads no subgraph code, neither the kit nor any module', async () => {
    const files = await loaded('gateway/main.ts');
    expect(files.some(fromPackage('@apollo/gateway'))).toBe(true);
    // The public event catalogue (subgraphs/contracts) types live updates; the layers let the gateway import contracts, never the kit or a module.
    expect(files.filter(under('subgraphs')).filter((file) => !under('subgraphs/contracts')(file))).toEqual([]);
    expect(files.filter(under('worker'))).toEqual([]);
  });

  it('the worker loads module code only as plug-ins at run time, never through its imports', async () => {
    const files = await loaded('worker/main.ts');
    expect(files).toContain('worker/service.ts');
    // The contracts are the modules' published shapes (the public events are mapped from them), not module code: the layers let the worker import them.
    expect(files.filter(under('subgraphs')).filter((file) => !under('subgraphs/contracts')(file))).toEqual([]);
    expect(files.filter(under('gateway'))).toEqual([]);
    expect(files.filter(fromPackage('@apollo/gateway'))).toEqual([]);
  });
});

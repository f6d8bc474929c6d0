import path from 'node:path';
import { ESLint, type Linter } from 'eslint';

/**
 * The layers of docs/adding-a-module.md hold because ESLint refuses an import
 * that goes up or across. Each case lints a one-line file placed in a layer and
 * importing a real file of another: the rule only judges imports it can resolve,
 * so every target here exists, and each target is shown both refused from one
 * layer and accepted from another (proof that it was resolved, not skipped).
 */
const root = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is CommonJS, and jest's runtime cannot import() it.
const config = require(path.join(root, 'eslint.config.cjs')) as Linter.Config[];
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });

const BOUNDARY = 'boundaries/dependencies';

/** Lints `code` as if it were the file `file` (relative to the repository root). */
async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages;
}

/** A file in `from` that imports a value from `target` (both relative to the root). */
function importing(from: string, target: string): Promise<Linter.LintMessage[]> {
  let specifier = path.relative(path.dirname(from), target).replace(/\.ts$/, '');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  return lint(from, `import * as target from '${specifier}';\nexport const used = target;\n`);
}

const refused: Array<[string, string, string]> = [
  ['a module importing another module', 'subgraphs/assets/probe.ts', 'subgraphs/finance/manifest.ts'],
  ['a future module importing a module', 'subgraphs/scratch/probe.ts', 'subgraphs/assets/manifest.ts'],
  ['platform importing the gateway', 'platform/probe.ts', 'gateway/server.ts'],
  ['platform importing the kit', 'platform/probe.ts', 'subgraphs/kit/errors.ts'],
  ['platform importing a composition root', 'platform/probe.ts', 'app/stack.ts'],
  ['the gateway importing the kit', 'gateway/probe.ts', 'subgraphs/kit/errors.ts'],
  ['the gateway importing a module', 'gateway/probe.ts', 'subgraphs/finance/manifest.ts'],
  ['the worker importing a module', 'worker/probe.ts', 'subgraphs/finance/consumers.ts'],
  ['the worker importing the gateway', 'worker/probe.ts', 'gateway/server.ts'],
  ['the kit importing a module', 'subgraphs/kit/probe.ts', 'subgraphs/assets/manifest.ts'],
  ['the contracts importing the kit', 'subgraphs/contracts/probe.ts', 'subgraphs/kit/errors.ts'],
  ['a migration importing platform', 'migrations/global/20990101000000_probe.ts', 'platform/modules.ts'],
  ['a tenant migration importing a module', 'migrations/tenant/assets/20990101000000_probe.ts', 'subgraphs/assets/manifest.ts'],
];

const accepted: Array<[string, string, string]> = [
  ['a module importing its own folder', 'subgraphs/assets/probe.ts', 'subgraphs/assets/manifest.ts'],
  ['a module importing the kit', 'subgraphs/assets/probe.ts', 'subgraphs/kit/errors.ts'],
  ['a module importing platform', 'subgraphs/assets/probe.ts', 'platform/modules.ts'],
  ['the kit importing platform', 'subgraphs/kit/probe.ts', 'platform/modules.ts'],
  ['the contracts importing platform', 'subgraphs/contracts/probe.ts', 'platform/modules.ts'],
  ['the gateway importing platform', 'gateway/probe.ts', 'platform/modules.ts'],
  ['the worker importing platform', 'worker/probe.ts', 'platform/modules.ts'],
  ['the one-box stack importing the gateway', 'app/probe.ts', 'gateway/server.ts'],
  ['the CLI importing a module', 'cli/probe.ts', 'subgraphs/finance/manifest.ts'],
  ['a test importing a module', 'tests/unit/probe.ts', 'subgraphs/finance/consumers.ts'],
  ['the composition script importing the kit', 'schema/probe.ts', 'subgraphs/kit/errors.ts'],
  ['a migration importing kysely', 'migrations/global/20990101000000_probe.ts', 'node_modules/kysely'],
];

describe('import boundaries between layers', () => {
  it.each(refused)('refuses %s', async (_name, from, target) => {
    const messages = await importing(from, target);
    expect(messages.map((m) => m.ruleId)).toEqual([BOUNDARY]);
  });

  it.each(accepted)('accepts %s', async (_name, from, target) => {
    const messages = target.startsWith('node_modules/')
      ? await lint(from, `import { sql } from '${path.basename(target)}';\nexport const used = sql;\n`)
      : await importing(from, target);
    expect(messages).toEqual([]);
  });

  it('counts type-only imports too', async () => {
    const code = "import type { AssetsContext } from '../assets/context';\nexport type Borrowed = AssetsContext;\n";
    expect((await lint('subgraphs/finance/probe.ts', code)).map((m) => m.ruleId)).toEqual([BOUNDARY]);
    expect(await lint('subgraphs/assets/resolvers/probe.ts', code.replace('../assets/context', '../context'))).toEqual([]);
  });

  it('counts re-exports too', async () => {
    const messages = await lint('worker/probe.ts', "export { resolvers } from '../subgraphs/assets/resolvers';\n");
    expect(messages.map((m) => m.ruleId)).toEqual([BOUNDARY]);
  });
});

describe('settings', () => {
  const reading = 'export const port = process.env.PORT;\n';

  it('are read from process.env only in platform/config.ts', async () => {
    expect((await lint('gateway/probe.ts', reading)).map((m) => m.ruleId)).toEqual(['no-restricted-properties']);
    expect((await lint('subgraphs/kit/probe.ts', reading)).map((m) => m.ruleId)).toEqual(['no-restricted-properties']);
    expect(await lint('platform/config.ts', reading)).toEqual([]);
    expect(await lint('tests/unit/probe.ts', reading)).toEqual([]);
  });
});

describe('types', () => {
  const loose =
    "import type { Kysely } from 'kysely';\nexport async function up(db: Kysely<any>): Promise<void> {\n  await db.schema.createSchema('probe').execute();\n}\n";

  it('refuses `any`, except in migrations', async () => {
    expect((await lint('platform/probe.ts', loose)).map((m) => m.ruleId)).toEqual(['@typescript-eslint/no-explicit-any']);
    expect(await lint('migrations/tenant/assets/20990101000000_probe.ts', loose)).toEqual([]);
  });
});

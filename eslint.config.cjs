// Lint rules of Fluxo: typescript-eslint's recommended set, the layers of
// docs/adding-a-module.md as import boundaries, and one home for settings.
// Formatting is Prettier's job (.prettierrc.json), so no stylistic rules here.
// CommonJS like the rest of the repository, so jest can load it in tests/unit/layers.test.ts.
const js = require('@eslint/js');
const { defineConfig, globalIgnores } = require('eslint/config');
const prettier = require('eslint-config-prettier');
const boundaries = require('eslint-plugin-boundaries');
const tseslint = require('typescript-eslint');

/**
 * The layers, by folder from the repository root. A file belongs to the first
 * pattern it matches, so kit and contracts come before the catch-all for
 * modules: every other folder under subgraphs/ is a module, today's and tomorrow's.
 */
const elements = [
  { type: 'platform', pattern: 'platform', partialMatch: false },
  { type: 'contracts', pattern: 'subgraphs/contracts', partialMatch: false },
  { type: 'kit', pattern: 'subgraphs/kit', partialMatch: false },
  { type: 'module', pattern: 'subgraphs/*', partialMatch: false, capture: ['module'] },
  { type: 'gateway', pattern: 'gateway', partialMatch: false },
  { type: 'worker', pattern: 'worker', partialMatch: false },
  { type: 'migrations', pattern: 'migrations', partialMatch: false },
  // Composition roots: the one-box stack, the seeder, the operator CLI.
  { type: 'root', pattern: ['app', 'cli'], partialMatch: false },
  // The browser side: it reaches the product only through /graphql, never by import.
  { type: 'browser', pattern: ['web', 'explorer'], partialMatch: false },
  // Checks and tools around the product.
  { type: 'outside', pattern: ['tests', 'bench', 'scripts', 'schema'], partialMatch: false },
];

const mayImport = (...types) => ({ to: { element: { type: types } } });

/**
 * What each layer may import besides its own folder. Imports inside one element
 * (within subgraphs/assets, within platform) are not checked; anything not
 * allowed here fails, type-only imports included. platform and migrations have
 * no policy: they import nothing of the project.
 */
const policies = [
  { from: { element: { type: 'contracts' } }, allow: mayImport('platform') },
  { from: { element: { type: 'kit' } }, allow: mayImport('platform', 'contracts') },
  { from: { element: { type: 'module' } }, allow: mayImport('platform', 'kit', 'contracts') },
  { from: { element: { type: ['gateway', 'worker'] } }, allow: mayImport('platform', 'contracts') },
  { from: { element: { type: ['root', 'outside'] } }, allow: mayImport('*') },
];

module.exports = defineConfig(
  globalIgnores(['**/generated/**', 'dist/**', '.data/**', 'coverage/**']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': __dirname,
      'boundaries/elements': elements,
      'boundaries/legacy-templates': false,
      // Relative imports name TypeScript files without their extension.
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Every setting is read in platform/config.ts and handed down from there.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings in platform/config.ts and pass them in.' }],
    },
  },
  {
    // Migrations are frozen in time and typed loosely on purpose: `Kysely<any>`.
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['platform/config.ts', 'tests/**', 'bench/**', 'scripts/**', 'web/vite.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Plain CommonJS at the root (jest.config.js, this file) runs in Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);

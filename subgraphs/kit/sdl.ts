import fs from 'node:fs';
import path from 'node:path';
import { MODULE_DESCRIPTIONS, MODULES } from '../../platform/modules';

/** The repository root from sources, or the folder beside dist/ that holds the .graphql files. */
const ROOTS = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')];

function read(relative: string): string {
  for (const root of ROOTS) {
    const file = path.join(root, relative);
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  }
  throw new Error(`schema file ${relative} not found`);
}

/**
 * The enum `ModuleName`, written from platform/modules.ts so that a new module
 * is named in one place. graphql-codegen reads the same text from
 * subgraphs/kit/generated/module-name.graphql (`npm run codegen` writes it).
 */
export function moduleNameSdl(): string {
  // JSON string escapes are valid GraphQL string escapes.
  const values = MODULES.map((module) => `  ${JSON.stringify(MODULE_DESCRIPTIONS[module])}\n  ${module}\n`).join('');
  return `"The business modules a company can subscribe to."\nenum ModuleName {\n${values}}\n`;
}

/**
 * Kit schema parts a module takes by naming them in its schema.graphql on a
 * line `# kit: <part>` (e.g. `# kit: custom-fields`, the shared types of
 * subgraphs/kit/custom-fields.graphql); its codegen.yml lists the same file.
 */
function kitParts(schema: string): string[] {
  return [...schema.matchAll(/^# kit: ([a-z-]+)$/gm)].map((m) => read(`subgraphs/kit/${m[1]}.graphql`));
}

/** The SDL a subgraph serves: the kit's shared types, the module names, the kit parts it takes, then its own schema. */
export function subgraphSdl(name: string): string {
  const own = read(`subgraphs/${name}/schema.graphql`);
  return [read('subgraphs/kit/common.graphql'), moduleNameSdl(), ...kitParts(own), own].join('\n');
}

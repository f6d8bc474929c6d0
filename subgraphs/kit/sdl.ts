import fs from 'node:fs';
import path from 'node:path';

/** The repository root from sources, or the folder beside dist/ that holds the .graphql files. */
const ROOTS = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')];

function read(relative: string): string {
  for (const root of ROOTS) {
    const file = path.join(root, relative);
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  }
  throw new Error(`schema file ${relative} not found`);
}

/** The SDL a subgraph serves: the kit's shared types followed by its own schema. */
export function subgraphSdl(name: string): string {
  return `${read('subgraphs/kit/common.graphql')}\n${read(`subgraphs/${name}/schema.graphql`)}`;
}

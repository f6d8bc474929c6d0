/**
 * Writes operations/manifest.json in Apollo's persisted query list format from
 * every operations/**\/*.graphql file: one entry per operation, its id the
 * SHA-256 of its body. The gateway serves these by id (APQ) to everyone, and
 * PARTNER keys may run nothing else.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

const root = path.resolve(__dirname, '..', 'operations');

function graphqlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return graphqlFiles(full);
    return d.name.endsWith('.graphql') ? [full] : [];
  });
}

export function buildManifest() {
  const operations = graphqlFiles(root)
    .sort()
    .flatMap((file) => {
      const document = parse(fs.readFileSync(file, 'utf8'));
      const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
      return document.definitions
        .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
        .map((operation) => {
          const body = [operation, ...fragments].map((d) => print(d)).join('\n\n');
          return { id: createHash('sha256').update(body).digest('hex'), name: operation.name?.value ?? 'anonymous', type: operation.operation, body };
        });
    });
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

if (require.main === module) {
  const manifest = buildManifest();
  fs.writeFileSync(path.join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`persisted query manifest: ${manifest.operations.length} operations → operations/manifest.json`);
}

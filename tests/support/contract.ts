import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type DocumentNode, type FragmentDefinitionNode } from 'graphql';

const dir = path.resolve(__dirname, '..', '..', 'operations', 'contract');

/** One operation of a contract file, exactly as the contract writes it (with the fragments it uses). */
export function contractOperation(file: string, operationName: string): string {
  const document: DocumentNode = parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === operationName);
  if (!operation) throw new Error(`${file} has no operation ${operationName}`);
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return [operation, ...fragments].map((d) => print(d)).join('\n');
}

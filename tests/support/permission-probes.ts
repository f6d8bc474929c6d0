import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { isPermission, type Permission } from '../../platform/permissions';
import { discoverSubgraphs, SUBGRAPHS_ROOT } from '../../platform/subgraphs';
import type { FieldPermission, PermissionMap } from '../../subgraphs/kit/permissions';
import { contractOperation } from './contract';
import { exampleVariables } from './stack';

// Probes for the permission matrix: one operation per root field of the
// composed API, built from the contract when it has one, else from the schema.
// Mutations carry inputs that fail business validation (unknown ids, blank
// strings), so they never change what other probes see; authorization runs
// before the resolver, so a refusal still shows.

export type Root = 'Query' | 'Mutation';

/** A root field whose rule names at least one catalogue permission, and those permissions. */
export interface GuardedField {
  root: Root;
  field: string;
  subgraph: string;
  permissions: Permission[];
}

export interface Probe {
  document: string;
  variables: Record<string, unknown>;
  /** The response key the field answers under. */
  responseKey: string;
}

const ROOTS: readonly Root[] = ['Query', 'Mutation'];

export const apiSchema: GraphQLSchema = buildSchema(fs.readFileSync(path.resolve(__dirname, '..', '..', 'schema', 'api-schema.graphql'), 'utf8'));

/** Every subgraph's permission map, found by folder as the platform finds subgraphs. */
export function permissionMaps(): Array<{ subgraph: string; map: PermissionMap }> {
  return discoverSubgraphs().map(({ name }) => ({
    subgraph: name,
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- found by folder, so a new subgraph's map joins the matrix by itself
    map: (require(path.join(SUBGRAPHS_ROOT, name, 'permissions')) as { permissions: PermissionMap }).permissions,
  }));
}

const catalogueRules = (rule: FieldPermission): Permission[] => (typeof rule === 'string' ? [rule] : [...rule]).filter(isPermission);

/** Query and Mutation fields of every map whose rule is (or lists) a catalogue permission. */
export function guardedFields(): GuardedField[] {
  const fields: GuardedField[] = [];
  for (const { subgraph, map } of permissionMaps()) {
    for (const root of ROOTS) {
      for (const [field, rule] of Object.entries(map[root] ?? {})) {
        const permissions = catalogueRules(rule);
        if (permissions.length > 0) fields.push({ root, field, subgraph, permissions });
      }
    }
  }
  return fields;
}

/** Every Query and Mutation field of the composed API, as `Root.field`. */
export function apiRootFields(): string[] {
  return ROOTS.flatMap((root) =>
    Object.keys(apiSchema.getType(root) ? (apiSchema.getType(root) as GraphQLObjectType).getFields() : {}).map((f) => `${root}.${f}`),
  );
}

/** Ids a probe may need to be real: the company's own (a foreign one is refused by the resolver, not by the rule). */
export interface KnownIds {
  companyId: string;
  /** Values for arguments named `field.argument`, e.g. `company.id`. */
  arguments?: Record<string, unknown>;
}

/** A value that passes the schema but no business rule: unknown ids, blank strings in mutations. */
function dummyValue(type: GraphQLInputType, name: string, known: KnownIds, inMutation: boolean): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType, name, known, inMutation);
  if (isListType(type)) return [dummyValue(type.ofType, name, known, inMutation)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) && f.defaultValue === undefined) value[f.name] = dummyValue(f.type, f.name, known, inMutation);
    }
    return value;
  }
  if (name === 'companyId') return known.companyId;
  switch (type.name) {
    case 'ID':
      return randomUUID();
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'Date':
      return '2026-01-31';
    case 'DateTime':
      return '2026-01-31T00:00:00Z';
    case 'Decimal':
      return '1.00';
    default:
      return inMutation ? '' : 'matrix';
  }
}

/** The contract's example value with every String of a mutation's input blanked, walking the input's type. */
function spoiled(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return spoiled(value, type.ofType);
  if (isListType(type)) return Array.isArray(value) ? value.map((v) => spoiled(v, type.ofType)) : value;
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fields[k] ? spoiled(v, fields[k].type) : v]));
  }
  return getNamedType(type).name === 'String' ? '' : value;
}

interface ContractEntry {
  file: string;
  name: string;
  definition: OperationDefinitionNode;
}

/** Contract operations that touch exactly one root field, by that field; the one named after the field first. */
function contractByField(): Map<string, ContractEntry> {
  const dir = path.resolve(__dirname, '..', '..', 'operations', 'contract');
  const byField = new Map<string, ContractEntry>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.graphql'))) {
    for (const definition of parse(fs.readFileSync(path.join(dir, file), 'utf8')).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
      const fields = definition.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename');
      if (fields.length !== 1 || fields[0]!.kind !== Kind.FIELD) continue;
      const key = `${definition.operation === 'query' ? 'Query' : 'Mutation'}.${fields[0]!.name.value}`;
      const named = definition.name.value.toLowerCase() === fields[0]!.name.value.toLowerCase();
      if (!byField.has(key) || named) byField.set(key, { file, name: definition.name.value, definition });
    }
  }
  return byField;
}

const contracts = contractByField();

function fromContract(entry: ContractEntry, known: KnownIds, inMutation: boolean): Probe {
  // Every "$name" placeholder of the examples becomes an id nobody has, but the company's own.
  const ids = new Proxy<Record<string, string>>({}, { get: (_, name) => (name === 'companyId' ? known.companyId : randomUUID()) });
  const examples = exampleVariables<Record<string, unknown>>(entry.name, ids) ?? {};
  const variables: Record<string, unknown> = {};
  for (const definition of entry.definition.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(apiSchema, definition.type) as GraphQLInputType;
    variables[name] = inMutation ? spoiled(examples[name], type) : examples[name];
  }
  const field = entry.definition.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value !== '__typename');
  const responseKey = field?.kind === Kind.FIELD ? (field.alias ?? field.name).value : '';
  return { document: contractOperation(entry.file, entry.name), variables, responseKey };
}

function fromSchema(root: Root, field: string, known: KnownIds): Probe {
  const definition = (apiSchema.getType(root) as GraphQLObjectType | undefined)?.getFields()[field];
  if (!definition) throw new Error(`${root}.${field} is in a permission map but not in the composed API`);
  const required = definition.args.filter((a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined);
  const variables = Object.fromEntries(
    required.map((a) => [a.name, known.arguments?.[`${field}.${a.name}`] ?? dummyValue(a.type, a.name, known, root === 'Mutation')]),
  );
  const declared = required.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(definition.type)) ? '' : ' { __typename }';
  const operation = root === 'Query' ? 'query' : 'mutation';
  const document = `${operation} Probe${declared ? `(${declared})` : ''} { ${field}${args ? `(${args})` : ''}${selection} }`;
  return { document, variables, responseKey: field };
}

/** One operation that touches `root.field` and nothing else at the top. */
export function probeOf(root: Root, field: string, known: KnownIds): Probe {
  const entry = contracts.get(`${root}.${field}`);
  return entry ? fromContract(entry, known, root === 'Mutation') : fromSchema(root, field, known);
}

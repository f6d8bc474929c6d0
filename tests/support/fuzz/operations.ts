import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

const root = path.resolve(__dirname, '..', '..', '..');

/** An operation the fuzzer sends: its text and the input type of each variable. */
export interface FuzzOperation {
  name: string;
  /** Who may call it: the operator's operations need the admin token, the rest a company key. */
  caller: 'operator' | 'company';
  query: string;
  variables: Array<{ name: string; type: GraphQLInputType }>;
}

/** The public API schema, as clients see it (the gateway's own view of the supergraph). */
export function apiSchema(): GraphQLSchema {
  return buildSchema(fs.readFileSync(path.join(root, 'schema', 'api-schema.graphql'), 'utf8'));
}

const OPERATOR_FIELDS = new Set([
  'subscriptionRequests',
  'subscriptionRequest',
  'companies',
  'approveSubscriptionRequest',
  'rejectSubscriptionRequest',
  'issueAccessKey',
  'addCompanyModules',
]);

function callerOf(operation: OperationDefinitionNode): FuzzOperation['caller'] {
  const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  return fields.some((f) => OPERATOR_FIELDS.has(f)) ? 'operator' : 'company';
}

/** Every operation of the persisted-operations manifest (the contract operations), with its variables' types. */
export function manifestOperations(schema: GraphQLSchema): FuzzOperation[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'operations', 'manifest.json'), 'utf8')) as {
    operations: Array<{ name: string; body: string }>;
  };
  return manifest.operations.map(({ name, body }) => {
    const operation = parse(body).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation) throw new Error(`manifest operation ${name} has no operation`);
    const variables = (operation.variableDefinitions ?? []).map((v) => {
      const type = typeFromAST(schema, v.type as Parameters<typeof typeFromAST>[1]) as GraphQLInputType | undefined;
      if (!type) throw new Error(`${name}: unknown type of $${v.variable.name.value}`);
      return { name: v.variable.name.value, type };
    });
    return { name, caller: callerOf(operation), query: body, variables };
  });
}

/** A selection of a type's fields without required arguments, `depth` levels down, so lazy resolvers (pages, counts) run too. */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (!isObjectType(type) && !isInterfaceType(type)) return '{ __typename }';
  const fields = Object.values(type.getFields()).filter((f: GraphQLField<unknown, unknown>) => f.args.every((a) => !isNonNullType(a.type)));
  const parts = fields.flatMap((f) => {
    const named = getNamedType(f.type);
    if (isLeafType(named)) return [f.name];
    return depth > 0 ? [`${f.name} ${selectionOf(named, depth - 1)}`] : [];
  });
  return `{ __typename ${parts.join(' ')} }`;
}

/**
 * One operation per root field that takes arguments, beyond the manifest's:
 * `positions(departmentId:)`, `account(id:)`, `revokeAccessKey(input:)` and the
 * rest, each with a variable per argument and a selection deep enough for its
 * pages and counts to be read.
 */
export function rootFieldOperations(schema: GraphQLSchema): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [keyword, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      const definitions = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const name = `Fuzz_${field.name}`;
      const query = `${keyword} ${name}(${definitions}) { ${field.name}(${args}) ${selectionOf(getNamedType(field.type), 2)} }`;
      operations.push({
        name,
        caller: OPERATOR_FIELDS.has(field.name) ? 'operator' : 'company',
        query,
        variables: field.args.map((a) => ({ name: a.name, type: a.type })),
      });
    }
  }
  return operations;
}

/** What a leaf of an input value is, for choosing the hostile values that suit it. */
export type LeafKind = 'id' | 'date' | 'dateTime' | 'decimal' | 'int' | 'float' | 'boolean' | 'enum' | 'cursor' | 'string';

export function leafKind(type: GraphQLInputType, fieldName: string): LeafKind {
  const named = getNamedType(type);
  if (isEnumType(named)) return 'enum';
  switch (named.name) {
    case 'ID':
      return 'id';
    case 'Date':
      return 'date';
    case 'DateTime':
      return 'dateTime';
    case 'Decimal':
      return 'decimal';
    case 'Int':
      return 'int';
    case 'Float':
      return 'float';
    case 'Boolean':
      return 'boolean';
    default:
      if (fieldName === 'after') return 'cursor';
      return /Id$/.test(fieldName) ? 'id' : 'string';
  }
}

/** A place in a variables object, with the type expected there. */
export interface InputPlace {
  path: Array<string | number>;
  type: GraphQLInputType;
  fieldName: string;
}

/**
 * Every place of an operation's variables a mutation can hit: each variable,
 * each field of its input objects and the first element of its lists, so a
 * whole `input` can be replaced as well as a single date inside it.
 */
export function inputPlaces(operation: FuzzOperation): InputPlace[] {
  const places: InputPlace[] = [];
  const walk = (type: GraphQLInputType, at: Array<string | number>, fieldName: string, depth: number): void => {
    places.push({ path: at, type, fieldName });
    if (depth > 4) return;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) return walk(inner.ofType, [...at, 0], fieldName, depth + 1);
    if (isInputObjectType(inner)) for (const f of Object.values(inner.getFields())) walk(f.type, [...at, f.name], f.name, depth + 1);
  };
  for (const v of operation.variables) walk(v.type, [v.name], v.name, 0);
  return places;
}

import {
  getNamedType,
  getNullableType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isCompositeType,
  isListType,
  Kind,
  OperationTypeNode,
  typeFromAST,
  valueFromAST,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * The cost model of docs/limits.md, after GitHub's and Shopify's: every object
 * a query asks for costs its weight, every list multiplies what each item costs
 * by how many items it may hold, and a mutation starts at a base. The cost is
 * an upper bound computed before anything runs, so a query can be refused
 * before any subgraph is called.
 */

/** Page size of a field with a `first` argument when the query leaves it out (the schema's documented default). */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest page any field serves (the schema's "at most 100"). */
export const MAX_PAGE_SIZE = 100;
/** Items assumed in a list that takes no `first` (an employee's assets, a run's payslips). */
export const DEFAULT_LIST_SIZE = 10;
/** What each root field of a mutation costs before its payload: writes take locks, events and audit rows. */
export const MUTATION_BASE_COST = 10;
/** `__schema` and `__type` cost this flat amount: introspection is served by the gateway alone. */
export const INTROSPECTION_COST = 10;

export interface FieldCost {
  /** What one selection of the field costs (default: 1 for an object, 0 for a scalar or enum). */
  weight?: number;
  /** Items assumed in the list the field returns when it takes no `first`. */
  listSize?: number;
}

/**
 * The one table of exceptions, by `Type.field`. Heavier: fields that read
 * every module or count over whole tables.
 */
export const FIELD_COSTS: Readonly<Record<string, FieldCost>> = {
  'Query.overview': { weight: 10 },
  'Overview.crossModule': { weight: 5 },
  'EmployeeConnection.totalCount': { weight: 2 },
  'EmployeeConnection.matchCount': { weight: 2 },
  'Query.trialBalance': { weight: 5 },
  'Query.plans': { listSize: 5 },
  'Query.permissions': { listSize: 50 },
};

export interface CostOptions {
  /** The request's variables, as sent. */
  variables?: Readonly<Record<string, unknown>> | null;
  /**
   * Assume the worst of a variable that is not given (a `first` is then the
   * largest page, a `@skip`/`@include` keeps its field): for costs computed
   * before the variables are known, as the persisted manifest's are.
   */
  conservative?: boolean;
}

/** The cost of the operation a request runs, or null when the document has no such operation. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, options: CostOptions = {}): number | null {
  const key = costKey(operationName, options);
  let known = key === null ? undefined : knownCosts.get(document);
  if (known?.schema !== schema) known = undefined;
  const remembered = key === null ? undefined : known?.costs.get(key);
  if (remembered !== undefined) return remembered;
  const operation = pickOperation(document, operationName);
  if (!operation) return null;
  const root = schema.getRootType(operation.operation);
  if (!root) return null;
  const walker = new CostWalker(schema, document, operation, options);
  const cost = walker.selectionCost(root, operation.selectionSet, null, []);
  if (key !== null) {
    if (!known) knownCosts.set(document, (known = { schema, costs: new Map() }));
    if (known.costs.size >= COSTS_PER_DOCUMENT) known.costs.clear();
    known.costs.set(key, cost);
  }
  return cost;
}

/**
 * Costs already computed, by document: Apollo hands a repeated query over as
 * the same parsed document (its document store), so a repeat costs a lookup.
 * A cost depends on the document, the operation, and the variables sent (a
 * `first`, an `@include`), which make up the key; documents are weakly held,
 * so a document Apollo lets go of takes its costs with it.
 */
const knownCosts = new WeakMap<DocumentNode, { schema: GraphQLSchema; costs: Map<string, number> }>();
const COSTS_PER_DOCUMENT = 64;
const MAX_COST_KEY_LENGTH = 2_000;

/** The key of an operation's cost among its document's, or null when the variables are too large to be worth remembering. */
function costKey(operationName: string | null | undefined, options: CostOptions): string | null {
  const variables = options.variables === undefined || options.variables === null ? '' : JSON.stringify(options.variables);
  if (variables.length > MAX_COST_KEY_LENGTH) return null;
  return `${options.conservative ? 'c' : 'v'}${operationName ?? ''}\u0000${variables}`;
}

/** A connection's edges and page info are shaped from rows already read: only the nodes count. */
function isPagingWrapper(typeName: string): boolean {
  return typeName.endsWith('Edge') || typeName === 'PageInfo';
}

/** What an answer actually held, costed as operationCost costs the query: lists count the items returned. */
export function resultCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: Record<string, unknown>,
): number | null {
  const operation = pickOperation(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  return new CostWalker(schema, document, operation, {}).resultCost(root, operation.selectionSet, data, []);
}

function pickOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0]! : null;
}

/** A field's price: its whole cost, or its definition, named type, weight and declared exceptions. */
type Priced = number | { field: GraphQLField<unknown, unknown>; named: ReturnType<typeof getNamedType>; weight: number; declared: FieldCost };

/** Prices by field node, for the parent type and kind of operation they were computed for. */
const pricedFields = new WeakMap<FieldNode, { parent: GraphQLCompositeType; mutation: boolean; priced: Priced }>();

class CostWalker {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly variableDefaults = new Map<string, ValueNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    private readonly options: CostOptions,
  ) {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d);
    for (const v of operation.variableDefinitions ?? []) if (v.defaultValue) this.variableDefaults.set(v.variable.name.value, v.defaultValue);
  }

  /**
   * `pageSize` is the `first` of the connection this selection set belongs to,
   * which sizes its `edges` and `nodes`. `spread` holds the fragments being
   * walked, so a cycle (refused by validation anyway) cannot loop.
   */
  selectionCost(parent: GraphQLCompositeType, set: SelectionSetNode, pageSize: number | null, spread: string[]): number {
    let total = 0;
    for (const selection of set.selections) {
      if (!this.included(selection.directives ?? [])) continue;
      if (selection.kind === Kind.FIELD) {
        total += this.fieldCost(parent, selection, pageSize, spread);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? this.compositeType(selection.typeCondition.name.value) : parent;
        total += this.selectionCost(on ?? parent, selection.selectionSet, pageSize, spread);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || spread.includes(name)) continue;
        const on = this.compositeType(fragment.typeCondition.name.value) ?? parent;
        total += this.selectionCost(on, fragment.selectionSet, pageSize, [...spread, name]);
      }
    }
    return total;
  }

  private fieldCost(parent: GraphQLCompositeType, node: FieldNode, pageSize: number | null, spread: string[]): number {
    const priced = this.priced(parent, node);
    if (typeof priced === 'number') return priced;
    const { field, named, weight, declared } = priced;
    const first = this.pageSize(field, node);
    const name = node.name.value;
    const size = isListType(getNullableType(field.type))
      ? (first ?? ((name === 'edges' || name === 'nodes') && pageSize !== null ? pageSize : (declared.listSize ?? DEFAULT_LIST_SIZE)))
      : 1;
    const children = node.selectionSet && isCompositeType(named) ? this.selectionCost(named, node.selectionSet, first, spread) : 0;
    return size * (weight + children);
  }

  /** The same costs over an answer: each item a list actually returned, nothing for a null. */
  resultCost(parent: GraphQLCompositeType, set: SelectionSetNode, data: Record<string, unknown>, spread: string[]): number {
    let total = 0;
    for (const selection of set.selections) {
      if (!this.included(selection.directives ?? [])) continue;
      if (selection.kind === Kind.FIELD) {
        total += this.fieldResultCost(parent, selection, data[selection.alias?.value ?? selection.name.value], spread);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? this.compositeType(selection.typeCondition.name.value) : parent;
        total += this.resultCost(on ?? parent, selection.selectionSet, data, spread);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || spread.includes(name)) continue;
        const on = this.compositeType(fragment.typeCondition.name.value) ?? parent;
        total += this.resultCost(on, fragment.selectionSet, data, [...spread, name]);
      }
    }
    return total;
  }

  private fieldResultCost(parent: GraphQLCompositeType, node: FieldNode, value: unknown, spread: string[]): number {
    if (value === null || value === undefined) return 0;
    const priced = this.priced(parent, node);
    if (typeof priced === 'number') return priced;
    const { named, weight } = priced;
    let total = 0;
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (item === null) continue;
      const object = node.selectionSet && isCompositeType(named) && typeof item === 'object' && !Array.isArray(item);
      total += weight + (object ? this.resultCost(named, node.selectionSet, item as Record<string, unknown>, spread) : 0);
    }
    return total;
  }

  /**
   * A field's definition and weight, or its whole cost when it has no definition to weigh (introspection, __typename).
   * Remembered by the field's node, as an answer's list prices the same field once per item, and a repeated query's
   * document is the same one (see knownCosts).
   */
  private priced(parent: GraphQLCompositeType, node: FieldNode): Priced {
    const mutation = this.operation.operation === OperationTypeNode.MUTATION;
    const known = pricedFields.get(node);
    if (known && known.parent === parent && known.mutation === mutation) return known.priced;
    const priced = this.price(parent, node);
    pricedFields.set(node, { parent, mutation, priced });
    return priced;
  }

  private price(parent: GraphQLCompositeType, node: FieldNode): Priced {
    const name = node.name.value;
    if (name === '__schema' || name === '__type') return INTROSPECTION_COST;
    if (name === '__typename' || !('getFields' in parent)) return 0;
    const field = parent.getFields()[name];
    if (!field) return 0;
    const named = getNamedType(field.type);
    const declared = FIELD_COSTS[`${parent.name}.${name}`] ?? {};
    const isMutationRoot = parent === this.schema.getMutationType() && this.operation.operation === OperationTypeNode.MUTATION;
    const weight = declared.weight ?? (isMutationRoot ? MUTATION_BASE_COST : isCompositeType(named) && !isPagingWrapper(named.name) ? 1 : 0);
    return { field, named, weight, declared };
  }

  /** The page a field with a `first` argument serves: given, defaulted, or the worst when unknown; null without one. */
  private pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode): number | null {
    const argument = field.args.find((a) => a.name === 'first');
    if (!argument) return null;
    const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
    let value: unknown = undefined;
    if (given?.kind === Kind.VARIABLE) {
      const variable = given.name.value;
      const sent = this.options.variables?.[variable];
      if (typeof sent === 'number') value = sent;
      else if (sent === undefined && this.options.conservative) return MAX_PAGE_SIZE;
      else if (sent === undefined && this.variableDefaults.has(variable)) value = valueFromAST(this.variableDefaults.get(variable), argument.type);
    } else if (given) {
      value = valueFromAST(given, argument.type);
    }
    if (value === undefined || value === null) value = argument.defaultValue ?? DEFAULT_PAGE_SIZE;
    return typeof value === 'number' && Number.isFinite(value) ? Math.min(MAX_PAGE_SIZE, Math.max(0, Math.floor(value))) : DEFAULT_PAGE_SIZE;
  }

  /** `@skip(if:)` and `@include(if:)`: a field left out costs nothing; an unknown condition counts it. */
  private included(directives: readonly DirectiveNode[]): boolean {
    for (const directive of directives) {
      const skip = directive.name.value === GraphQLSkipDirective.name;
      if (!skip && directive.name.value !== GraphQLIncludeDirective.name) continue;
      const condition = directive.arguments?.find((a) => a.name.value === 'if')?.value;
      const value = condition ? this.booleanOf(condition) : undefined;
      if (value === undefined) continue;
      if (skip === value) return false;
    }
    return true;
  }

  private booleanOf(node: ValueNode): boolean | undefined {
    if (node.kind === Kind.BOOLEAN) return node.value;
    if (node.kind !== Kind.VARIABLE || this.options.conservative) return undefined;
    const sent = this.options.variables?.[node.name.value];
    if (typeof sent === 'boolean') return sent;
    const fallback = this.variableDefaults.get(node.name.value);
    return fallback?.kind === Kind.BOOLEAN ? fallback.value : undefined;
  }

  private compositeType(name: string): GraphQLCompositeType | null {
    const type = typeFromAST(this.schema, { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: name } });
    return type && isCompositeType(type) ? type : null;
  }
}

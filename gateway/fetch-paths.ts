import { Kind, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export type ResponsePath = Array<string | number>;

interface SelectedField {
  responseName: string;
  name: string;
  selectionSet?: SelectionSetNode;
}

/**
 * The fields of a selection set, through its fragments, that apply to an
 * object of `typename` (every fragment when it is unknown). The query planner
 * writes these documents, so fragments nest shallowly; `seen` still stops a cycle.
 */
function fieldsOf(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  typename: string | null,
  seen = new Set<string>(),
): SelectedField[] {
  const applies = (condition: string | undefined) => !condition || !typename || condition === typename;
  const fields: SelectedField[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') {
        fields.push({ responseName: selection.alias?.value ?? selection.name.value, name: selection.name.value, selectionSet: selection.selectionSet });
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value)) fields.push(...fieldsOf(selection.selectionSet, fragments, typename, seen));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value) && applies(fragment.typeCondition.name.value)) {
        seen.add(fragment.name.value);
        fields.push(...fieldsOf(fragment.selectionSet, fragments, typename, seen));
      }
    }
  }
  const unique = new Map(fields.map((field) => [field.responseName, field]));
  return [...unique.values()];
}

const typenameOf = (representation: unknown): string | null => {
  const typename = (representation as { __typename?: unknown } | null)?.__typename;
  return typeof typename === 'string' ? typename : null;
};

/**
 * Where a subgraph's answer to one fetch of a query plan would have put data,
 * in that fetch's own response: each root field, or for an entity fetch each
 * field of each entity (`_entities`, index, field), which the gateway maps to
 * the entity's place in the client's answer. Errors at these paths sit exactly
 * on the fields that are null because the subgraph did not answer. Given the
 * response names the client's own operation selects, an entity field it never
 * selected is left out: the planner adds such fields for another subgraph's
 * `@requires` (internal, `@inaccessible`), and their names are not the API's.
 */
export function fetchPaths(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  clientNames?: ReadonlySet<string>,
): ResponsePath[] {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const paths: ResponsePath[] = [];
  for (const root of fieldsOf(operation.selectionSet, fragments, null)) {
    const representations = variables?.representations;
    const entitySelection = root.name === '_entities' ? root.selectionSet : undefined;
    if (!entitySelection || !Array.isArray(representations)) {
      paths.push([root.responseName]);
      continue;
    }
    representations.forEach((representation, index) => {
      const fields = fieldsOf(entitySelection, fragments, typenameOf(representation));
      if (fields.length === 0) paths.push([root.responseName, index]);
      for (const field of fields) if (!clientNames || clientNames.has(field.responseName)) paths.push([root.responseName, index, field.responseName]);
    });
  }
  return paths;
}

/** Every response name (alias or field name) an operation document selects, anywhere in it. */
export function selectedNames(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  visit(document, {
    Field(field) {
      names.add(field.alias?.value ?? field.name.value);
    },
  });
  return names;
}

/** A fetch's data with null at each of `paths` (a root field, an entity, or an entity's field). */
export function nullsAt(paths: readonly ResponsePath[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [root, index, field] of paths) {
    if (index === undefined) {
      data[root as string] = null;
      continue;
    }
    const entities = (data[root as string] ??= []) as Array<Record<string, unknown> | null>;
    if (field === undefined) entities[index as number] = null;
    else ((entities[index as number] ??= {}) as Record<string, unknown>)[field as string] = null;
  }
  return data;
}

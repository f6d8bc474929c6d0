import { GraphQLScalarType } from 'graphql';
import { scalarResolvers } from './scalars';

type ReferenceResolver = (...args: unknown[]) => unknown;

/**
 * `_entities` calls every `__resolveReference` in one synchronous map: a
 * reference resolver that throws (the module gate refusing the key) would fail
 * the whole list, and the gateway would place the error at no entity's path.
 * As a rejected promise the refusal is that entity's alone: it is null, with
 * the error at its path, and the rest of the answer stays.
 */
const refusingPerEntity =
  (resolveReference: ReferenceResolver): ReferenceResolver =>
  async (...args) =>
    resolveReference(...args);

/**
 * A subgraph's resolver map: the kit's scalars and the module's area files
 * (one per part of its schema), merged type by type. A field resolved in two
 * area files is a mistake that would otherwise go unnoticed (the later one
 * silently wins), so building the map refuses it. Reference resolvers refuse
 * per entity (see refusingPerEntity).
 */
export function mergeResolvers<R extends object>(...areas: readonly R[]): R {
  const merged: Record<string, unknown> = {};
  for (const area of [scalarResolvers, ...areas]) {
    for (const [type, resolvers] of Object.entries(area)) {
      if (resolvers instanceof GraphQLScalarType) {
        if (type in merged) throw new Error(`scalar ${type} is resolved twice`);
        merged[type] = resolvers;
        continue;
      }
      const fields = (merged[type] ??= {}) as Record<string, unknown>;
      for (const [field, resolver] of Object.entries(resolvers as object)) {
        if (field in fields) throw new Error(`${type}.${field} is resolved in two area files`);
        fields[field] = field === '__resolveReference' ? refusingPerEntity(resolver as ReferenceResolver) : resolver;
      }
    }
  }
  return merged as R;
}

import { GraphQLError, Kind, isScalarType, type GraphQLSchema, type ValueNode } from 'graphql';
import { SCALAR_GRAMMAR } from '../platform/scalar-grammar';

/**
 * The composed schema knows the API's custom scalars by name only, so the
 * gateway would pass any value on and the subgraph's refusal would come back
 * as a failed call. This gives the gateway's copies the subgraphs' grammar:
 * a variable outside it is a BAD_USER_INPUT, an inline literal a validation
 * error, both answered with 400 before any planning.
 */
export function enforceScalarGrammar(schema: GraphQLSchema): void {
  for (const [name, grammar] of Object.entries(SCALAR_GRAMMAR)) {
    const type = schema.getType(name);
    if (!isScalarType(type)) continue;
    const parse = (value: unknown): unknown => {
      if (!grammar.accepts(value)) throw new GraphQLError(`${grammar.says}, got ${JSON.stringify(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
      return value;
    };
    // graphql-js reads these from the instance; the schema object is the one Apollo Server executes with.
    Object.assign(type, {
      parseValue: parse,
      parseLiteral: (ast: ValueNode) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
    });
  }
}

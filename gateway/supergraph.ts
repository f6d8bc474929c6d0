import fs from 'node:fs';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';

/** A subgraph as the composed supergraph names it, with the URL written at composition time. */
export interface SupergraphService {
  name: string;
  url: string;
}

export function readSupergraph(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/**
 * The subgraphs of a supergraph, from its `join__Graph` enum: the gateway
 * learns what it routes to from the composed schema, never from module code.
 */
export function supergraphServices(sdl: string): SupergraphService[] {
  const graphs = parse(sdl).definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
  if (!graphs) throw new Error('the supergraph has no join__Graph enum: is it a composed federation 2 supergraph?');
  return (graphs.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const arg = (name: string) => {
      const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
      if (node?.kind !== Kind.STRING) throw new Error(`join__Graph.${value.name.value} has no ${name}`);
      return node.value;
    };
    return { name: arg('name'), url: arg('url') };
  });
}

/** A fetch of a query plan: which subgraph, at which path, what it selects and what its representations carry. */
export interface PlannedFetch {
  index: number;
  service: string;
  path: string;
  operation: string;
  /** Printed `requires` selection (the representation's fields), '' for a root fetch. */
  requires: string;
  /** Indexes of the fetches that have completed before this one starts. */
  after: number[];
}

/** A node of a query plan in the gateway's internal format. */
export type PlanNode = { kind: string; nodes?: PlanNode[]; node?: PlanNode; path?: string[]; serviceName?: string; operation?: string; requires?: unknown };

function printSelections(selections: unknown): string {
  if (!Array.isArray(selections)) return '';
  return selections
    .map((s: { kind: string; name?: string; typeCondition?: string; selections?: unknown }) =>
      s.kind === 'InlineFragment'
        ? `... on ${s.typeCondition} { ${printSelections(s.selections)} }`
        : s.selections
          ? `${s.name} { ${printSelections(s.selections)} }`
          : s.name,
    )
    .join(' ');
}

/** Every fetch of an internal-format plan, with what runs before it (Sequence: the earlier siblings; Parallel: nothing of its siblings). */
export function plannedFetches(plan: { node?: PlanNode }): PlannedFetch[] {
  const fetches: PlannedFetch[] = [];
  const walk = (node: PlanNode, done: number[], path: string): number[] => {
    switch (node.kind) {
      case 'Fetch': {
        const index = fetches.length;
        fetches.push({ index, service: node.serviceName!, path, operation: node.operation!, requires: printSelections(node.requires), after: [...done] });
        return [...done, index];
      }
      case 'Flatten':
        return walk(node.node!, done, node.path!.filter((p) => p !== '@').join('.'));
      case 'Sequence':
        return node.nodes!.reduce((finished, child) => walk(child, finished, path), done);
      case 'Parallel':
        return [...new Set(node.nodes!.flatMap((child) => walk(child, done, path)))];
      default:
        throw new Error(`plan node ${node.kind} is not expected in the overview's plan`);
    }
  };
  if (plan.node) walk(plan.node, [], '');
  return fetches;
}

import { sql } from 'kysely';
import type { ControlPlane } from '../platform/control-plane';
import { latestMigration } from '../platform/migrations';
import { MODULES, type ModuleName } from '../platform/modules';

/** A subgraph's /ready, next to its /graphql: 'ok', `status <code>` or 'unreachable'. */
export async function probeSubgraph(graphqlUrl: string): Promise<string> {
  try {
    const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/ready'), { signal: AbortSignal.timeout(2000) });
    return response.ok ? 'ok' : `status ${response.status}`;
  } catch {
    return 'unreachable';
  }
}

export interface SubgraphFetchFigures {
  /** Fetches this gateway sent to the subgraph since it started. */
  total: number;
  /** Of those, the ones that failed or answered with errors. */
  errors: number;
  /** Their mean duration, ms; null before the first. */
  meanMs: number | null;
}

export interface ModuleReport {
  module: ModuleName;
  subgraph: { name: string; url: string | null; status: string };
  /** ACTIVE tenants whose company has the module. */
  tenants: number;
  schema: {
    /** The newest migration of the module's tenant schema this build ships. */
    latest: string | null;
    /** Tenants whose schema is at another version (`fluxo tenant sync` brings them up). */
    behind: number;
  };
  fetches: SubgraphFetchFigures;
}

/**
 * What `/observability/modules` answers: for each business module, whether its
 * subgraph is ready, how many tenants use it, whether their schemas are
 * current, and how this gateway's fetches to it went. One query on the control
 * plane and one probe per subgraph.
 */
export async function modulesReport(deps: {
  controlPlane: ControlPlane;
  subgraphUrls: Record<string, string>;
  fetches: () => Promise<Record<string, SubgraphFetchFigures>>;
}): Promise<ModuleReport[]> {
  const [versions, fetches, latest, statuses] = await Promise.all([
    sql<{ module: ModuleName; version: string | null; tenants: string }>`
      SELECT m AS module, t.schema_versions ->> m AS version, count(*) AS tenants
      FROM tenant t JOIN company c ON c.id = t.company_id, unnest(c.modules) AS m
      WHERE t.status = 'ACTIVE'
      GROUP BY 1, 2`.execute(deps.controlPlane),
    deps.fetches(),
    Promise.all(MODULES.map((module) => latestMigration(module))),
    Promise.all(MODULES.map((module) => subgraphOf(module, deps.subgraphUrls)).map((url) => (url ? probeSubgraph(url) : Promise.resolve('not configured')))),
  ]);
  return MODULES.map((module, i) => {
    const rows = versions.rows.filter((r) => r.module === module);
    const name = module.toLowerCase();
    return {
      module,
      subgraph: { name, url: subgraphOf(module, deps.subgraphUrls), status: statuses[i]! },
      tenants: rows.reduce((sum, r) => sum + Number(r.tenants), 0),
      schema: { latest: latest[i]!, behind: rows.filter((r) => r.version !== latest[i]).reduce((sum, r) => sum + Number(r.tenants), 0) },
      fetches: fetches[name] ?? { total: 0, errors: 0, meanMs: null },
    };
  });
}

function subgraphOf(module: ModuleName, urls: Record<string, string>): string | null {
  return urls[module.toLowerCase()] ?? null;
}

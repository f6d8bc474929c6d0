import { sql } from 'kysely';
import type { ControlPlaneExecutor } from './control-plane';

/**
 * Where a new tenant's database goes (FLUXO_PLACEMENT, FLUXO_PLACEMENT_RULES).
 * A rule for the subscription's plan wins; otherwise `default-shard` places it
 * on FLUXO_DEFAULT_SHARD and `least-tenants` on the configured shard holding
 * the fewest tenants (ties: the default shard, then by name).
 */
export type PlacementStrategy = 'default-shard' | 'least-tenants';

export interface PlacementPolicy {
  strategy: PlacementStrategy;
  /** Plan code → shard. */
  planShards: Readonly<Record<string, string>>;
  defaultShard: string;
}

export interface PlacementRequest {
  planCode: string | null;
}

/** `plan:<code>=<shard>` entries, comma-separated; returns plan code → shard, or throws with the entry at fault. */
export function parsePlacementRules(value: string): Record<string, string> {
  const rules: Record<string, string> = {};
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [i, entry] of entries.entries()) {
    const match = /^plan:([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
    if (!match) throw new Error(`entry ${i + 1} ("${entry}") must look like plan:<code>=<shard>`);
    rules[match[1]!] = match[2]!;
  }
  return rules;
}

/** The shard for a new tenant, given how many tenants each configured shard holds now. Pure. */
export function pickShard(policy: PlacementPolicy, request: PlacementRequest, tenantsByShard: ReadonlyMap<string, number>, shards: readonly string[]): string {
  const ruled = request.planCode ? policy.planShards[request.planCode] : undefined;
  if (ruled) return ruled;
  if (policy.strategy === 'default-shard') return policy.defaultShard;
  const candidates = [...shards].sort((a, b) => (a === policy.defaultShard ? -1 : b === policy.defaultShard ? 1 : a.localeCompare(b)));
  let best = candidates[0] ?? policy.defaultShard;
  for (const shard of candidates) if ((tenantsByShard.get(shard) ?? 0) < (tenantsByShard.get(best) ?? 0)) best = shard;
  return best;
}

/** Tenants per shard in the registry, whatever their status: a tenant being provisioned takes room too. */
export async function tenantsByShard(db: ControlPlaneExecutor): Promise<Map<string, number>> {
  const { rows } = await sql<{ shard: string; n: string }>`SELECT shard, count(*) AS n FROM tenant GROUP BY shard`.execute(db);
  return new Map(rows.map((r) => [r.shard, Number(r.n)]));
}

/** Chooses the shard of a new tenant as the policy says, reading the registry only when the strategy needs it. */
export async function placeTenant(db: ControlPlaneExecutor, policy: PlacementPolicy, request: PlacementRequest, shards: readonly string[]): Promise<string> {
  const counts = policy.strategy === 'least-tenants' ? await tenantsByShard(db) : new Map<string, number>();
  return pickShard(policy, request, counts, shards);
}

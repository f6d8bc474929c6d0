import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { ControlPlaneExecutor } from '../../../platform/control-plane';

/** One audit stream's tables: the control plane's, or a tenant database's. */
export interface ChainSource {
  log: string;
  head: string;
  /** The database function that hashes a row (the migrations' canonical encoding). */
  rowHash: RawBuilder<string>;
  /** Where purges leave the hash of their last row; the control plane's log is never purged. */
  anchors: string | null;
}

export const PLATFORM_CHAIN: ChainSource = { log: 'audit_log', head: 'audit_chain_head', rowHash: sql`audit_row_hash(t, t.prev_hash)`, anchors: null };
export const TENANT_CHAIN: ChainSource = {
  log: 'audit.audit_log',
  head: 'audit.audit_chain_head',
  rowHash: sql`audit.audit_row_hash(t, t.prev_hash)`,
  anchors: 'audit.audit_purge_anchor',
};

/** A row as verification sees it: the hashes stored, and the hash its content gives now. */
export interface ChainLink {
  id: string;
  prev_hash: string | null;
  hash: string;
  recomputed: string;
}

/** The next rows of the chain after `afterId`, in chain (id) order. */
export async function readChainLinks(db: QueryExecutorProvider, source: ChainSource, afterId: string | null, limit: number): Promise<ChainLink[]> {
  const { rows } = await sql<ChainLink>`
    SELECT t.id::text AS id, t.prev_hash, t.hash, ${source.rowHash} AS recomputed
    FROM ${sql.table(source.log)} t
    WHERE ${afterId === null ? sql`true` : sql`t.id > ${afterId}::bigint`}
    ORDER BY t.id
    LIMIT ${limit}`.execute(db);
  return rows;
}

/** Where the chain last ended, as the insert trigger keeps it. */
export async function readChainHead(db: QueryExecutorProvider, source: ChainSource): Promise<{ last_id: string | null; hash: string | null }> {
  const { rows } = await sql<{ last_id: string | null; hash: string | null }>`
    SELECT last_id::text AS last_id, hash FROM ${sql.table(source.head)}`.execute(db);
  return rows[0] ?? { last_id: null, hash: null };
}

export interface PurgeAnchor {
  cutoff: Date;
  first_id: string;
  last_id: string;
  first_at: Date;
  last_at: Date;
  row_count: string;
  last_hash: string;
}

const ANCHOR_COLUMNS = sql`cutoff, first_id::text AS first_id, last_id::text AS last_id, first_at, last_at, row_count::text AS row_count, last_hash`;

/** The newest purge of the stream: the chain that remains starts from its last hash. */
export async function latestPurgeAnchor(db: QueryExecutorProvider, source: ChainSource): Promise<PurgeAnchor | null> {
  if (!source.anchors) return null;
  const { rows } = await sql<PurgeAnchor>`SELECT ${ANCHOR_COLUMNS} FROM ${sql.table(source.anchors)} ORDER BY id DESC LIMIT 1`.execute(db);
  return rows[0] ?? null;
}

/**
 * Deletes the tenant's oldest audit rows, up to the first one at or after the
 * cutoff, through the SECURITY DEFINER function the append-only trigger lets
 * through; null when nothing was that old.
 */
export async function purgeTenantAuditBefore(db: QueryExecutorProvider, cutoff: Date): Promise<PurgeAnchor | null> {
  const { rows } = await sql<PurgeAnchor & { first_id: string | null }>`
    SELECT ${ANCHOR_COLUMNS} FROM audit.purge_audit_before(${cutoff.toISOString()}::timestamptz)`.execute(db);
  const anchor = rows[0];
  return anchor && anchor.first_id !== null ? anchor : null;
}

/** Whether the control plane's audit recorded a purge of the company that ended at this row with this hash. */
export async function purgeRecorded(db: ControlPlaneExecutor, companyId: string, anchor: Pick<PurgeAnchor, 'last_id' | 'last_hash'>): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .select('id')
    .where('operation', '=', 'purgeAuditLog')
    .where('entity', '=', 'company')
    .where('entity_id', '=', companyId)
    .where(sql<string>`after->>'lastId'`, '=', anchor.last_id)
    .where(sql<string>`after->>'lastHash'`, '=', anchor.last_hash)
    .executeTakeFirst();
  return row !== undefined;
}

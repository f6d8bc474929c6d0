import { sql, type Kysely, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { ModuleName } from '../../../platform/modules';
import { isUuid } from '../../../platform/ids';
import type { ControlPlaneExecutor } from '../../../platform/control-plane';
import type { CursorValues } from '../../kit/pagination';
import type { TenantAuditDB } from '../../kit/audit';

/** An audit row of either log, in one shape: the platform's rows have no module, a company's no actor kind. */
export interface AuditEntryRecord {
  id: string;
  at: Date;
  module: ModuleName | null;
  operation: string;
  entity: string;
  entity_id: string | null;
  actor_email: string | null;
  actor_user_id: string | null;
  credential: string | null;
  key_id: string | null;
  actor_kind: string | null;
  client_address: string | null;
  request_id: string | null;
  /** JSON text, as stored. */
  before: string | null;
  after: string | null;
}

export interface AuditFilterValues {
  actor?: string | null;
  action?: string | null;
  entity?: string | null;
  entityId?: string | null;
  from?: Date | string | null;
  to?: Date | string | null;
}

/** How one log names its columns that the other lacks or calls otherwise. */
interface AuditSource {
  table: string;
  keyColumn: 'actor_id' | 'key_id';
  module: RawBuilder<string | null>;
  actorKind: RawBuilder<string | null>;
}

const PLATFORM: AuditSource = { table: 'audit_log', keyColumn: 'actor_id', module: sql`NULL::text`, actorKind: sql`actor_kind` };
const TENANT: AuditSource = { table: 'audit.audit_log', keyColumn: 'key_id', module: sql`module`, actorKind: sql`NULL::text` };

const instant = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

/**
 * The filter as SQL, each criterion in the form an index serves: the e-mail
 * lower-cased (audit_log_actor_email), a uuid either the person or the key.
 */
function conditions(source: AuditSource, filter: AuditFilterValues, after: CursorValues | null): RawBuilder<boolean> {
  const key = sql.ref(source.keyColumn);
  const parts: Array<RawBuilder<boolean>> = [sql<boolean>`true`];
  const actor = filter.actor?.trim();
  if (actor) {
    if (actor.includes('@')) parts.push(sql<boolean>`lower(actor_email) = lower(${actor})`);
    else if (isUuid(actor)) parts.push(sql<boolean>`(actor_user_id = ${actor}::uuid OR ${key} = ${actor})`);
    else parts.push(sql<boolean>`${key} = ${actor}`);
  }
  if (filter.action) parts.push(sql<boolean>`operation = ${filter.action}`);
  if (filter.entity) parts.push(sql<boolean>`entity = ${filter.entity}`);
  if (filter.entityId) parts.push(sql<boolean>`entity_id = ${filter.entityId}`);
  if (filter.from) parts.push(sql<boolean>`at >= ${instant(filter.from)}::timestamptz`);
  if (filter.to) parts.push(sql<boolean>`at < ${instant(filter.to)}::timestamptz`);
  if (after) parts.push(sql<boolean>`id < ${String(after[0])}::bigint`);
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

async function readAuditLog(
  db: QueryExecutorProvider,
  source: AuditSource,
  filter: AuditFilterValues,
  page: { after: CursorValues | null; limit: number },
): Promise<AuditEntryRecord[]> {
  const { rows } = await sql<AuditEntryRecord>`
    SELECT id::text AS id, at, ${source.module} AS module, operation, entity, entity_id, actor_email, actor_user_id::text AS actor_user_id,
           credential, ${sql.ref(source.keyColumn)} AS key_id, ${source.actorKind} AS actor_kind, client_address, request_id,
           before::text AS before, after::text AS after
    FROM ${sql.table(source.table)}
    WHERE ${conditions(source, filter, page.after)}
    ORDER BY id DESC
    LIMIT ${page.limit}`.execute(db);
  return rows;
}

/** The control plane's audit log, newest first. */
export function listPlatformAudit(db: ControlPlaneExecutor, filter: AuditFilterValues, page: { after: CursorValues | null; limit: number }) {
  return readAuditLog(db, PLATFORM, filter, page);
}

/** A tenant database's audit log, newest first. */
export function listTenantAudit(db: Kysely<TenantAuditDB>, filter: AuditFilterValues, page: { after: CursorValues | null; limit: number }) {
  return readAuditLog(db, TENANT, filter, page);
}

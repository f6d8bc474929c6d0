import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { ModuleName } from '../../platform/modules';
import type { ActorIdentity, AuditCredential } from './actor';

export interface TenantAuditLogTable {
  id: Generated<string>;
  at: ColumnType<Date, never, never>;
  module: string;
  key_id: string | null;
  operation: string;
  entity: string;
  entity_id: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  request_id: string | null;
  actor_user_id: string | null;
  /** The person's e-mail when they acted: a later change of address leaves history as it was. */
  actor_email: string | null;
  credential: AuditCredential | null;
  client_address: string | null;
  /** The hash chain, computed by the database on insert (migrations/tenant/audit/20261220000000_audit_chain.ts). */
  prev_hash: ColumnType<string | null, never, never>;
  hash: ColumnType<string, never, never>;
}

/** Every module's database type includes the platform's audit table. */
export interface TenantAuditDB {
  'audit.audit_log': TenantAuditLogTable;
}

export interface AuditEntry {
  operation: string;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Appends to the tenant's audit trail inside the caller's transaction, so a
 * change and its audit rows commit or roll back together. In a tenant the
 * actor's id is its access key's (null for a session, the operator, the seeder
 * or a handled event); the person, their e-mail and the credential say who
 * stood behind it.
 */
export async function writeTenantAudit(
  trx: Kysely<TenantAuditDB> | Transaction<TenantAuditDB>,
  module: ModuleName,
  actor: ActorIdentity,
  entries: readonly AuditEntry[],
): Promise<void> {
  const rows = entries.map((e) => ({
    module,
    key_id: actor.id,
    operation: e.operation,
    entity: e.entity,
    entity_id: e.entityId,
    before: json(e.before),
    after: json(e.after),
    request_id: actor.requestId,
    ...actorColumns(actor),
  }));
  if (rows.length > 0) await trx.insertInto('audit.audit_log').values(rows).execute();
}

/** The columns both audit trails (tenant and control plane) record of who acted. */
export function actorColumns(actor: ActorIdentity): Pick<TenantAuditLogTable, 'actor_user_id' | 'actor_email' | 'credential' | 'client_address'> {
  return {
    actor_user_id: actor.userId ?? null,
    actor_email: actor.userEmail ?? null,
    credential: actor.credential ?? null,
    client_address: actor.clientAddress ?? null,
  };
}

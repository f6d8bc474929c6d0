import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface AuditLogTable {
  id: Generated<string>;
  at: ColumnType<Date, never, never>;
  actor_kind: string;
  actor_id: string | null;
  operation: string;
  entity: string;
  entity_id: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  request_id: string | null;
  actor_user_id: string | null;
  /** The person's e-mail when they acted: a later change of address leaves history as it was. */
  actor_email: string | null;
  /** ACCESS_KEY, PERSONAL_TOKEN, SESSION, OIDC, ADMIN_TOKEN, CLI or EVENT; null when unknown. */
  credential: string | null;
  client_address: string | null;
  /** The hash chain, computed by the database on insert (migrations/global/20261220000000_audit_chain.ts). */
  prev_hash: ColumnType<string | null, never, never>;
  hash: ColumnType<string, never, never>;
}
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLog = Insertable<AuditLogTable>;

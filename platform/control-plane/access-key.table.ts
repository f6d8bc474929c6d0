import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ModuleName } from '../modules';

export type AccessKeyKind = 'STANDARD' | 'PARTNER';

export interface AccessKeyTable {
  id: Generated<string>;
  company_id: string;
  name: string;
  kind: AccessKeyKind;
  modules: ModuleName[];
  prefix: string;
  secret_hash: Buffer;
  created_at: ColumnType<Date, never, never>;
  created_by: string;
  /** The key that issued this one; null when the operator did. */
  issued_by_key_id: string | null;
  /** Permissions of the catalogue the key holds; null: every permission of its modules (or all its owner holds). */
  permissions: string[] | null;
  /** Holds only READ permissions, whatever else it names. */
  read_only: Generated<boolean>;
  /** The person a personal access token belongs to; null for the company's own (service) keys. */
  owner_user_id: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}
export type AccessKeyRow = Selectable<AccessKeyTable>;
export type NewAccessKey = Insertable<AccessKeyTable>;

import type { ColumnType, Generated, Selectable } from 'kysely';
import type { RoleScope } from '../permissions';

export type UserStatus = 'ACTIVE' | 'DISABLED';

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  display_name: string | null;
  /** Argon2id (PHC string); null until the person sets a password. */
  password_hash: string | null;
  status: Generated<UserStatus>;
  is_operator: Generated<boolean>;
  failed_sign_ins: Generated<number>;
  locked_until: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}
export type AppUserRow = Selectable<AppUserTable>;

export interface CompanyRoleTable {
  id: Generated<string>;
  company_id: string;
  code: string;
  name: string;
  scope: RoleScope;
  permissions: string[];
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}
export type CompanyRoleRow = Selectable<CompanyRoleTable>;

export interface MembershipTable {
  id: Generated<string>;
  company_id: string;
  user_id: string;
  /** The member's own employee record in the tenant, for self-service roles. */
  employee_id: string | null;
  created_at: ColumnType<Date, never, never>;
  removed_at: Date | null;
}
export type MembershipRow = Selectable<MembershipTable>;

export interface MembershipRoleTable {
  membership_id: string;
  /** A built-in role's code, or a custom role's code in the same company. */
  role: string;
  department_id: string | null;
  granted_at: ColumnType<Date, never, never>;
}

/** A role an invitation will assign, as stored in invitation.roles. */
export interface RoleAssignment {
  role: string;
  departmentId: string | null;
}

export interface InvitationTable {
  id: Generated<string>;
  company_id: string;
  email: string;
  roles: ColumnType<RoleAssignment[], string, string>;
  employee_id: string | null;
  token_hash: Buffer;
  invited_by: string;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by_user_id: string | null;
  revoked_at: Date | null;
}
export type InvitationRow = Selectable<InvitationTable>;

export type SessionMethod = 'PASSWORD' | 'INVITATION' | 'OIDC';

export interface UserSessionTable {
  id: Generated<string>;
  user_id: string;
  /** The one company the session's tokens are for; null for an operator's session. */
  company_id: string | null;
  method: SessionMethod;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
  last_refreshed_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  client_address: string | null;
}
export type UserSessionRow = Selectable<UserSessionTable>;

export interface RefreshTokenTable {
  id: Generated<string>;
  session_id: string;
  token_hash: Buffer;
  created_at: ColumnType<Date, never, never>;
  used_at: Date | null;
}

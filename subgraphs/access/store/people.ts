import { sql } from 'kysely';
import type {
  AppUserRow,
  CompanyRoleRow,
  ControlPlaneExecutor,
  InvitationRow,
  MembershipRow,
  RoleAssignment,
  UserSessionRow,
} from '../../../platform/control-plane';
import { isUuid } from '../../../platform/ids';
import type { RoleScope } from '../../../platform/permissions';

// Users, memberships, roles, invitations and sessions in the control plane.

export async function findUserByEmail(db: ControlPlaneExecutor, email: string): Promise<AppUserRow | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findUsersByIds(db: ControlPlaneExecutor, ids: readonly string[]): Promise<AppUserRow[]> {
  return ids.length === 0 ? [] : db.selectFrom('app_user').selectAll().where('id', 'in', ids).execute();
}

export async function insertUser(
  db: ControlPlaneExecutor,
  user: {
    email: string;
    displayName: string | null;
    /** Null for a person who signs in through their company's identity provider only. */
    passwordHash: string | null;
    isOperator: boolean;
  },
): Promise<AppUserRow> {
  return db
    .insertInto('app_user')
    .values({ email: user.email, display_name: user.displayName, password_hash: user.passwordHash, is_operator: user.isOperator, locked_until: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Counts a failed sign-in against the account; after `freeAttempts` each further failure locks it for longer, up to `maxLockSeconds`. */
export async function recordFailedSignIn(db: ControlPlaneExecutor, userId: string, freeAttempts: number, maxLockSeconds: number): Promise<void> {
  await sql`
    UPDATE app_user
       SET failed_sign_ins = failed_sign_ins + 1,
           locked_until = CASE WHEN failed_sign_ins + 1 >= ${freeAttempts}
             THEN now() + make_interval(secs => least(${maxLockSeconds}, power(2, failed_sign_ins + 1 - ${freeAttempts}) * 15))
             ELSE locked_until END
     WHERE id = ${userId}`.execute(db);
}

export async function recordSuccessfulSignIn(db: ControlPlaneExecutor, userId: string): Promise<void> {
  await db.updateTable('app_user').set({ failed_sign_ins: 0, locked_until: null, updated_at: new Date() }).where('id', '=', userId).execute();
}

export async function setPassword(db: ControlPlaneExecutor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('app_user').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', userId).execute();
}

/** A member's current memberships (not removed), with their roles. */
export async function findMembershipsOfUsers(
  db: ControlPlaneExecutor,
  userIds: readonly string[],
): Promise<Array<MembershipRow & { roles: RoleAssignment[] }>> {
  if (userIds.length === 0) return [];
  return withRoles(
    db,
    await db.selectFrom('membership').selectAll().where('user_id', 'in', userIds).where('removed_at', 'is', null).orderBy('created_at').execute(),
  );
}

export async function findMembersOfCompany(db: ControlPlaneExecutor, companyId: string): Promise<Array<MembershipRow & { roles: RoleAssignment[] }>> {
  return withRoles(
    db,
    await db.selectFrom('membership').selectAll().where('company_id', '=', companyId).where('removed_at', 'is', null).orderBy('created_at').execute(),
  );
}

export async function findMembership(db: ControlPlaneExecutor, id: string): Promise<(MembershipRow & { roles: RoleAssignment[] }) | undefined> {
  const rows = await db.selectFrom('membership').selectAll().where('id', '=', id).forUpdate().execute();
  return (await withRoles(db, rows))[0];
}

export async function findMembershipOf(db: ControlPlaneExecutor, companyId: string, userId: string): Promise<MembershipRow | undefined> {
  return db.selectFrom('membership').selectAll().where('company_id', '=', companyId).where('user_id', '=', userId).executeTakeFirst();
}

async function withRoles(db: ControlPlaneExecutor, memberships: MembershipRow[]): Promise<Array<MembershipRow & { roles: RoleAssignment[] }>> {
  if (memberships.length === 0) return [];
  const roles = await db
    .selectFrom('membership_role')
    .select(['membership_id', 'role', 'department_id'])
    .where(
      'membership_id',
      'in',
      memberships.map((m) => m.id),
    )
    .orderBy('role')
    .execute();
  return memberships.map((m) => ({
    ...m,
    roles: roles.filter((r) => r.membership_id === m.id).map((r) => ({ role: r.role, departmentId: r.department_id })),
  }));
}

/** Adds the user to the company (or brings back a removed membership) and replaces its roles. */
export async function upsertMembership(
  db: ControlPlaneExecutor,
  membership: { companyId: string; userId: string; employeeId: string | null; roles: readonly RoleAssignment[] },
): Promise<MembershipRow> {
  const row = await db
    .insertInto('membership')
    .values({ company_id: membership.companyId, user_id: membership.userId, employee_id: membership.employeeId, removed_at: null })
    .onConflict((oc) => oc.columns(['company_id', 'user_id']).doUpdateSet({ removed_at: null, employee_id: membership.employeeId }))
    .returningAll()
    .executeTakeFirstOrThrow();
  await replaceRoles(db, row.id, membership.roles);
  return row;
}

export async function replaceRoles(db: ControlPlaneExecutor, membershipId: string, roles: readonly RoleAssignment[]): Promise<void> {
  await db.deleteFrom('membership_role').where('membership_id', '=', membershipId).execute();
  if (roles.length === 0) return;
  await db
    .insertInto('membership_role')
    .values(roles.map((r) => ({ membership_id: membershipId, role: r.role, department_id: r.departmentId })))
    .execute();
}

export async function markMembershipRemoved(db: ControlPlaneExecutor, id: string): Promise<void> {
  await db.updateTable('membership').set({ removed_at: new Date() }).where('id', '=', id).execute();
}

export async function findCompanyRoles(db: ControlPlaneExecutor, companyId: string, codes?: readonly string[]): Promise<CompanyRoleRow[]> {
  let query = db.selectFrom('company_role').selectAll().where('company_id', '=', companyId);
  if (codes) {
    if (codes.length === 0) return [];
    query = query.where('code', 'in', codes);
  }
  return query.orderBy('code').execute();
}

export async function insertCompanyRole(
  db: ControlPlaneExecutor,
  role: { companyId: string; code: string; name: string; scope: RoleScope; permissions: string[] },
): Promise<CompanyRoleRow | undefined> {
  return db
    .insertInto('company_role')
    .values({ company_id: role.companyId, code: role.code, name: role.name, scope: role.scope, permissions: role.permissions })
    .onConflict((oc) => oc.columns(['company_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function insertInvitation(
  db: ControlPlaneExecutor,
  invitation: { companyId: string; email: string; roles: RoleAssignment[]; employeeId: string | null; tokenHash: Buffer; invitedBy: string; expiresAt: Date },
): Promise<InvitationRow> {
  return db
    .insertInto('invitation')
    .values({
      company_id: invitation.companyId,
      email: invitation.email,
      roles: JSON.stringify(invitation.roles),
      employee_id: invitation.employeeId,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy,
      expires_at: invitation.expiresAt,
      accepted_at: null,
      accepted_by_user_id: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The invitation a token names, locked for its acceptance. */
export async function findInvitationByToken(db: ControlPlaneExecutor, tokenHash: Buffer): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitation').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
}

export async function markInvitationAccepted(db: ControlPlaneExecutor, id: string, userId: string): Promise<void> {
  await db.updateTable('invitation').set({ accepted_at: new Date(), accepted_by_user_id: userId }).where('id', '=', id).execute();
}

export async function insertSession(
  db: ControlPlaneExecutor,
  session: { userId: string; companyId: string | null; method: UserSessionRow['method']; expiresAt: Date; clientAddress: string | null },
): Promise<UserSessionRow> {
  return db
    .insertInto('user_session')
    .values({
      user_id: session.userId,
      company_id: session.companyId,
      method: session.method,
      expires_at: session.expiresAt,
      client_address: session.clientAddress,
      last_refreshed_at: null,
      revoked_at: null,
      revoked_reason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSessionsByIds(db: ControlPlaneExecutor, ids: readonly string[]): Promise<UserSessionRow[]> {
  return ids.length === 0 ? [] : db.selectFrom('user_session').selectAll().where('id', 'in', ids).execute();
}

export async function insertRefreshToken(db: ControlPlaneExecutor, sessionId: string, tokenHash: Buffer): Promise<void> {
  await db.insertInto('refresh_token').values({ session_id: sessionId, token_hash: tokenHash, used_at: null }).execute();
}

/** A refresh token with its session, both locked: two refreshes with one token cannot both win. */
export async function findRefreshToken(
  db: ControlPlaneExecutor,
  tokenHash: Buffer,
): Promise<{ id: string; used_at: Date | null; session: UserSessionRow } | undefined> {
  const token = await db.selectFrom('refresh_token').select(['id', 'session_id', 'used_at']).where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
  if (!token) return undefined;
  const session = await db.selectFrom('user_session').selectAll().where('id', '=', token.session_id).forUpdate().executeTakeFirstOrThrow();
  return { id: token.id, used_at: token.used_at, session };
}

export async function markRefreshTokenUsed(db: ControlPlaneExecutor, id: string, sessionId: string): Promise<void> {
  await db.updateTable('refresh_token').set({ used_at: new Date() }).where('id', '=', id).execute();
  await db.updateTable('user_session').set({ last_refreshed_at: new Date() }).where('id', '=', sessionId).execute();
}

/** Ends sessions (one, or every live one of a user, optionally only for one company); returns how many. */
export async function revokeSessions(
  db: ControlPlaneExecutor,
  which: { sessionId?: string; userId?: string; companyId?: string },
  reason: string,
): Promise<number> {
  let query = db.updateTable('user_session').set({ revoked_at: new Date(), revoked_reason: reason }).where('revoked_at', 'is', null);
  if (which.sessionId) query = query.where('id', '=', which.sessionId);
  if (which.userId) query = query.where('user_id', '=', which.userId);
  if (which.companyId) query = query.where('company_id', '=', which.companyId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Invitations that can still be accepted, newest first. */
export async function findOpenInvitations(db: ControlPlaneExecutor, companyId: string): Promise<InvitationRow[]> {
  return db
    .selectFrom('invitation')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** An invitation by id, locked for a change. */
export async function findInvitationForUpdate(db: ControlPlaneExecutor, id: string): Promise<InvitationRow | undefined> {
  // A malformed id names no row; asking PostgreSQL would fail the statement (22P02) instead.
  if (!isUuid(id)) return undefined;
  return db.selectFrom('invitation').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markInvitationRevoked(db: ControlPlaneExecutor, id: string): Promise<InvitationRow> {
  return db.updateTable('invitation').set({ revoked_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

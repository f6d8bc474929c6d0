import type { KeyObject } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { AppUserRow, CompanyRoleRow, RoleAssignment, UserSessionRow } from '../../../platform/control-plane';
import { isUuid } from '../../../platform/ids';
import type { ModuleName } from '../../../platform/modules';
import {
  BUILT_IN_ROLES,
  isBuiltInRole,
  isPermission,
  normalizePermissions,
  withinModules,
  type Grants,
  type Permission,
  type RoleScope,
} from '../../../platform/permissions';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  generateSecret,
  hashSecret,
  INVITATION_TTL_SECONDS,
  SESSION_TTL_SECONDS,
  signAccessToken,
} from '../../../platform/session-token';
import type { Actor } from '../../kit/actor';
import { failWith, userError, type UserError } from '../../kit/errors';
import { refuse, refuseInvalid } from '../../kit/validation';
import { isEmail } from '../../kit/validation';
import { actorLabel } from '../deps';
import { identityFromIdToken, proveInviteeWithIdToken, type IdentityProviderDeps } from './identity-providers';
import type { ControlPlaneTransaction } from '../mutation';
import {
  findCompanyRoles,
  findInvitationByToken,
  findMembership,
  findMembershipsOfUsers,
  findRefreshToken,
  findUserByEmail,
  insertCompanyRole,
  insertInvitation,
  insertRefreshToken,
  insertSession,
  insertUser,
  markInvitationAccepted,
  markMembershipRemoved,
  markRefreshTokenUsed,
  recordFailedSignIn,
  recordSuccessfulSignIn,
  replaceRoles,
  revokeSessions,
  upsertMembership,
} from '../store/people';

/** Argon2id as OWASP recommends it (19 MiB, 2 passes). */
// algorithm 2 is Argon2id (the binding's const enum cannot be read under isolatedModules).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
/** Failures an account takes before each further one locks it, for 15 s, 30 s, 1 min... up to 15 min. */
const FREE_ATTEMPTS = 5;
const MAX_LOCK_SECONDS = 15 * 60;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

let dummyHash: Promise<string> | undefined;
/**
 * A hash to verify against when the e-mail is unknown, so that an unknown
 * e-mail costs the same Argon2 work as a wrong password: neither the answer
 * nor its timing tells them apart.
 */
const dummyPasswordHash = () => (dummyHash ??= hashPassword('not a password: the account does not exist'));

async function passwordMatches(user: AppUserRow | undefined, password: string): Promise<boolean> {
  const stored = user?.password_hash ?? (await dummyPasswordHash());
  const matches = await verify(stored, password).catch(() => false);
  return matches && user !== undefined && user.password_hash !== null;
}

function passwordProblem(field: string[], password: string): UserError | null {
  if (password.length < MIN_PASSWORD_LENGTH) return userError(field, `Passwords have at least ${MIN_PASSWORD_LENGTH} characters`, 'WEAK_PASSWORD');
  if (password.length > MAX_PASSWORD_LENGTH) return userError(field, `Passwords have at most ${MAX_PASSWORD_LENGTH} characters`, 'TOO_LONG');
  return null;
}

export interface SessionTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  session: UserSessionRow;
}

async function issueTokens(trx: ControlPlaneTransaction, session: UserSessionRow, signingKey: KeyObject): Promise<SessionTokens> {
  const refresh = generateSecret('rt');
  await insertRefreshToken(trx, session.id, refresh.hash);
  const accessToken = await signAccessToken({ userId: session.user_id, sessionId: session.id, companyId: session.company_id }, signingKey);
  return { accessToken, accessTokenExpiresAt: new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000), refreshToken: refresh.token, session };
}

function requireSigningKey(key: KeyObject | null): KeyObject {
  if (!key) failWith(null, 'Sign-in is not configured on this installation (FLUXO_SESSION_PRIVATE_KEY)', 'SIGN_IN_UNAVAILABLE');
  return key;
}

export interface SignInInput {
  email: string;
  password: string;
  companyId?: string | null;
  clientAddress: string | null;
}

/**
 * Signs a person in for one company (an operator may sign in for the platform
 * without one). Unknown e-mail, wrong password, a disabled or locked account:
 * all INVALID_CREDENTIALS, after the same Argon2 work. The failure is counted
 * in its own transaction by the caller (see signInOutcome), as this one rolls back.
 */
export async function signIn(trx: ControlPlaneTransaction, input: SignInInput, signingKey: KeyObject | null, actor: Actor): Promise<SessionTokens> {
  const key = requireSigningKey(signingKey);
  const user = await findUserByEmail(trx, input.email.trim());
  const locked = user?.locked_until != null && user.locked_until.getTime() > Date.now();
  const matches = await passwordMatches(user, input.password);
  if (!user || !matches || locked || user.status !== 'ACTIVE') throw new FailedSignIn(user && !locked ? user.id : null);
  await recordSuccessfulSignIn(trx, user.id);
  const companyId = await companyToSignInTo(trx, user, input.companyId ?? null);
  const session = await insertSession(trx, {
    userId: user.id,
    companyId,
    method: 'PASSWORD',
    expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
    clientAddress: input.clientAddress,
  });
  actor.audit({ entity: 'user_session', entityId: session.id, after: { user: user.id, email: user.email, company: companyId, method: 'PASSWORD' } });
  return issueTokens(trx, session, key);
}

export interface ProviderSignInInput {
  idToken: string;
  nonce: string;
  clientAddress: string | null;
}

/**
 * Signs a member in with an ID token of their company's own provider: the
 * provider verified the e-mail, so no password is asked. Only an active
 * account that is a current member of that company gets a session; the
 * provider vouches for its company's people, not for other accounts.
 */
export async function signInWithIdentityProvider(
  trx: ControlPlaneTransaction,
  input: ProviderSignInInput,
  keys: { signingKey: KeyObject | null; identityProviders: IdentityProviderDeps },
  actor: Actor,
): Promise<SessionTokens> {
  const key = requireSigningKey(keys.signingKey);
  const { companyId, identity } = await identityFromIdToken(trx, keys.identityProviders, input.idToken, input.nonce);
  const user = await findUserByEmail(trx, identity.email);
  const memberships = user?.status === 'ACTIVE' ? await findMembershipsOfUsers(trx, [user.id]) : [];
  if (!user || !memberships.some((m) => m.company_id === companyId)) {
    failWith(['input', 'idToken'], 'No member of this company has the e-mail address the provider verified', 'NOT_A_MEMBER');
  }
  const session = await insertSession(trx, {
    userId: user.id,
    companyId,
    method: 'OIDC',
    expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
    clientAddress: input.clientAddress,
  });
  actor.audit({ entity: 'user_session', entityId: session.id, after: { user: user.id, email: user.email, company: companyId, method: 'OIDC' } });
  return issueTokens(trx, session, key);
}

/** A failed sign-in; `userId` is the account to count it against (null when there is none, or it is already locked). */
export class FailedSignIn extends Error {
  constructor(readonly userId: string | null) {
    super('invalid credentials');
  }
}

export async function countFailedSignIn(trx: ControlPlaneTransaction, userId: string): Promise<void> {
  await recordFailedSignIn(trx, userId, FREE_ATTEMPTS, MAX_LOCK_SECONDS);
}

async function companyToSignInTo(trx: ControlPlaneTransaction, user: AppUserRow, companyId: string | null): Promise<string | null> {
  const memberships = await findMembershipsOfUsers(trx, [user.id]);
  if (companyId !== null) {
    if (!isUuid(companyId) || !memberships.some((m) => m.company_id === companyId)) {
      failWith(['input', 'companyId'], 'You are not a member of this company', 'NOT_A_MEMBER');
    }
    return companyId;
  }
  if (user.is_operator) return null;
  if (memberships.length === 1) return memberships[0]!.company_id;
  if (memberships.length === 0) failWith(['input'], 'You are not a member of any company', 'NOT_A_MEMBER');
  return failWith(['input', 'companyId'], 'You belong to several companies: name the one to sign in to', 'COMPANY_REQUIRED');
}

/**
 * Rotates a refresh token: the presented one is spent and a new pair issued.
 * A spent token presented again means it was copied: the whole session ends,
 * for the thief and the owner alike (the owner signs in again).
 */
export async function refreshSession(
  trx: ControlPlaneTransaction,
  refreshToken: string,
  signingKey: KeyObject | null,
): Promise<SessionTokens | { reused: string }> {
  const key = requireSigningKey(signingKey);
  const found = await findRefreshToken(trx, hashSecret(refreshToken));
  if (!found) failWith(['input', 'refreshToken'], 'The refresh token is not valid', 'INVALID_REFRESH_TOKEN');
  const { session } = found;
  if (session.revoked_at || session.expires_at.getTime() <= Date.now()) {
    failWith(['input', 'refreshToken'], 'The session has ended: sign in again', 'SESSION_ENDED');
  }
  if (found.used_at) {
    await revokeSessions(trx, { sessionId: session.id }, 'refresh token reused');
    return { reused: session.id };
  }
  await markRefreshTokenUsed(trx, found.id, session.id);
  return issueTokens(trx, session, key);
}

export async function signOut(trx: ControlPlaneTransaction, sessionId: string, actor: Actor): Promise<number> {
  const revoked = await revokeSessions(trx, { sessionId }, 'signed out');
  actor.audit({ entity: 'user_session', entityId: sessionId, after: { revoked: 'signed out' } });
  return revoked;
}

export async function revokeUserSessions(trx: ControlPlaneTransaction, userId: string, actor: Actor): Promise<number> {
  const revoked = await revokeSessions(trx, { userId }, 'all sessions revoked');
  actor.audit({ entity: 'app_user', entityId: userId, after: { sessionsRevoked: revoked } });
  return revoked;
}

/** A role assignment checked against the catalogue and the company's custom roles. */
async function checkRoles(
  trx: ControlPlaneTransaction,
  companyId: string,
  roles: ReadonlyArray<{ role: string; departmentId?: string | null }>,
): Promise<{ assignments: RoleAssignment[]; grants: Array<{ permissions: readonly Permission[]; scope: RoleScope }> }> {
  const custom = new Map((await findCompanyRoles(trx, companyId)).map((r) => [r.code, r]));
  const errors: UserError[] = [];
  const assignments: RoleAssignment[] = [];
  const grants: Array<{ permissions: readonly Permission[]; scope: RoleScope }> = [];
  roles.forEach((r, i) => {
    const field = ['input', 'roles', String(i)];
    const definition = roleDefinition(r.role, custom);
    if (!definition) {
      errors.push(userError([...field, 'role'], `No role ${r.role}`, 'UNKNOWN_ROLE'));
      return;
    }
    const departmentId = r.departmentId ?? null;
    if (definition.scope === 'DEPARTMENT' && (departmentId === null || !isUuid(departmentId))) {
      errors.push(userError([...field, 'departmentId'], `${r.role} reaches a department's subtree: name the department`, 'DEPARTMENT_REQUIRED'));
      return;
    }
    if (definition.scope !== 'DEPARTMENT' && departmentId !== null) {
      errors.push(userError([...field, 'departmentId'], `${r.role} is not scoped to a department`, 'DEPARTMENT_NOT_ALLOWED'));
      return;
    }
    assignments.push({ role: r.role, departmentId });
    grants.push(definition);
  });
  refuseInvalid(errors);
  return { assignments, grants };
}

function roleDefinition(code: string, custom: Map<string, CompanyRoleRow>): { permissions: readonly Permission[]; scope: RoleScope } | null {
  if (isBuiltInRole(code)) return BUILT_IN_ROLES[code];
  const role = custom.get(code);
  return role ? { permissions: role.permissions.filter(isPermission), scope: role.scope } : null;
}

/** Who hands out roles: their grants, and the company's modules (null for the operator, who may give any). */
export interface Granter {
  grants: Grants;
  companyModules: readonly ModuleName[];
}

/**
 * Nobody hands out more than they hold: each permission a role would give, in
 * a module the company has, must be one the granter holds company-wide.
 * (Permissions of modules the company lacks give nothing until it subscribes,
 * and then only to those the granter could reach.)
 */
function refuseWider(granter: Granter | null, roles: ReadonlyArray<{ permissions: readonly Permission[] }>): void {
  if (granter === null) return;
  const { grants } = granter;
  const given = withinModules(
    roles.flatMap((r) => r.permissions),
    granter.companyModules,
  );
  const wider = normalizePermissions(given.filter((p) => !grants.permissions.includes(p) || grants.scoped[p] !== undefined));
  if (wider.length > 0) failWith(['input', 'roles'], `You cannot grant permissions you do not hold company-wide: ${wider.join(', ')}`, 'PERMISSION_NOT_HELD');
}

export interface InviteInput {
  companyId: string;
  email: string;
  roles: ReadonlyArray<{ role: string; departmentId?: string | null }>;
  employeeId?: string | null;
  /** The inviter's grants; null for the operator. */
  granter: Granter | null;
}

export async function inviteMember(trx: ControlPlaneTransaction, input: InviteInput, actor: Actor) {
  const email = input.email.trim();
  const errors: UserError[] = [];
  if (!isEmail(email)) errors.push(userError(['input', 'email'], 'Not an e-mail address', 'INVALID_EMAIL'));
  if (input.employeeId != null && !isUuid(input.employeeId)) errors.push(userError(['input', 'employeeId'], 'Not an employee id', 'INVALID_ID'));
  if (input.roles.length === 0) errors.push(userError(['input', 'roles'], 'Give the invitee at least one role', 'ROLE_REQUIRED'));
  refuseInvalid(errors);
  const { assignments, grants } = await checkRoles(trx, input.companyId, input.roles);
  refuseWider(input.granter, grants);
  const secret = generateSecret('inv');
  const invitation = await insertInvitation(trx, {
    companyId: input.companyId,
    email,
    roles: assignments,
    employeeId: input.employeeId ?? null,
    tokenHash: secret.hash,
    invitedBy: actorLabel(actor),
    expiresAt: new Date(Date.now() + INVITATION_TTL_SECONDS * 1000),
  });
  actor.audit({ entity: 'invitation', entityId: invitation.id, after: { company: input.companyId, email, roles: assignments } });
  return { invitation, token: secret.token };
}

/** How an invitee proves who they are: a password, or an ID token of the company's own provider. */
export interface InvitationAcceptance {
  token: string;
  password?: string | null;
  idToken?: string | null;
  displayName?: string | null;
  clientAddress: string | null;
}

/**
 * Accepts an invitation. With a password: a new account is created with it; an
 * existing account must prove it is theirs with its password (an invitation
 * never resets a password). With an ID token of the company's provider for the
 * invited address: the provider vouches for the person, and a new account has
 * no password; an existing account must still accept with its password. The member is added with the invitation's roles and signed in
 * to the company.
 */
export async function acceptInvitation(
  trx: ControlPlaneTransaction,
  input: InvitationAcceptance,
  keys: { signingKey: KeyObject | null; identityProviders: IdentityProviderDeps },
  actor: Actor,
): Promise<SessionTokens> {
  const key = requireSigningKey(keys.signingKey);
  const hasPassword = input.password != null;
  if (hasPassword === (input.idToken != null)) failWith(['input'], 'Give either a password or an ID token', 'CREDENTIAL_REQUIRED');
  const invitation = await findInvitationByToken(trx, hashSecret(input.token));
  if (!invitation || invitation.revoked_at || invitation.accepted_at || invitation.expires_at.getTime() <= Date.now()) {
    failWith(['input', 'token'], 'The invitation is not valid, was used, or has expired', 'INVALID_INVITATION');
  }
  if (input.idToken != null) await proveInviteeWithIdToken(trx, keys.identityProviders, invitation, input.idToken);
  let user = await findUserByEmail(trx, invitation.email);
  if (user) {
    // A provider vouches for its own company's people; it never links an account that already exists (that
    // account may belong to someone outside this company), so an existing account proves itself with its password.
    if (!hasPassword) failWith(['input', 'idToken'], 'An account with this e-mail exists: accept with its password', 'PASSWORD_REQUIRED');
    const proven = await passwordMatches(user, input.password!);
    if (!proven || user.status !== 'ACTIVE') {
      failWith(['input', 'password'], 'An account with this e-mail exists: give its password to accept', 'INVALID_CREDENTIALS');
    }
  } else {
    const problem = hasPassword ? passwordProblem(['input', 'password'], input.password!) : null;
    if (problem) refuse([problem]);
    user = await insertUser(trx, {
      email: invitation.email,
      displayName: input.displayName?.trim() || null,
      passwordHash: hasPassword ? await hashPassword(input.password!) : null,
      isOperator: false,
    });
  }
  await upsertMembership(trx, { companyId: invitation.company_id, userId: user.id, employeeId: invitation.employee_id, roles: invitation.roles });
  await markInvitationAccepted(trx, invitation.id, user.id);
  const session = await insertSession(trx, {
    userId: user.id,
    companyId: invitation.company_id,
    method: hasPassword ? 'INVITATION' : 'OIDC',
    expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
    clientAddress: input.clientAddress,
  });
  actor.audit({
    entity: 'invitation',
    entityId: invitation.id,
    after: { accepted: true, user: user.id, email: user.email, with: hasPassword ? 'password' : 'identity provider' },
  });
  return issueTokens(trx, session, key);
}

export async function setMemberRoles(
  trx: ControlPlaneTransaction,
  input: {
    membershipId: string;
    roles: ReadonlyArray<{ role: string; departmentId?: string | null }>;
    companyId: string | null;
    granter: Granter | null;
    actingUserId: string | null;
  },
  actor: Actor,
) {
  const membership = isUuid(input.membershipId) ? await findMembership(trx, input.membershipId) : undefined;
  if (!membership || membership.removed_at || (input.companyId !== null && membership.company_id !== input.companyId)) {
    failWith(['input', 'membershipId'], `No member ${input.membershipId}`, 'NOT_FOUND');
  }
  if (membership.user_id === input.actingUserId) failWith(['input', 'membershipId'], 'Nobody changes their own roles', 'OWN_MEMBERSHIP');
  const { assignments, grants } = await checkRoles(trx, membership.company_id, input.roles);
  refuseWider(input.granter, grants);
  await replaceRoles(trx, membership.id, assignments);
  actor.audit({ entity: 'membership', entityId: membership.id, before: { roles: membership.roles }, after: { roles: assignments } });
  return { ...membership, roles: assignments };
}

export async function removeMember(
  trx: ControlPlaneTransaction,
  input: { membershipId: string; companyId: string | null; actingUserId: string | null },
  actor: Actor,
) {
  const membership = isUuid(input.membershipId) ? await findMembership(trx, input.membershipId) : undefined;
  if (!membership || membership.removed_at || (input.companyId !== null && membership.company_id !== input.companyId)) {
    failWith(['input', 'membershipId'], `No member ${input.membershipId}`, 'NOT_FOUND');
  }
  if (membership.user_id === input.actingUserId) failWith(['input', 'membershipId'], 'Nobody removes themselves', 'OWN_MEMBERSHIP');
  await markMembershipRemoved(trx, membership.id);
  await revokeSessions(trx, { userId: membership.user_id, companyId: membership.company_id }, 'membership removed');
  actor.audit({ entity: 'membership', entityId: membership.id, before: { user: membership.user_id, roles: membership.roles }, after: { removed: true } });
  return { ...membership, removed_at: new Date() };
}

const ROLE_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

export async function createCompanyRole(
  trx: ControlPlaneTransaction,
  input: { companyId: string; code: string; name: string; scope: RoleScope; permissions: readonly string[]; granter: Granter | null },
  actor: Actor,
) {
  const errors: UserError[] = [];
  if (!ROLE_CODE.test(input.code)) errors.push(userError(['input', 'code'], 'Role codes are 2 to 40 upper case letters, digits and _', 'INVALID_CODE'));
  else if (isBuiltInRole(input.code)) errors.push(userError(['input', 'code'], `${input.code} is a built-in role`, 'DUPLICATE_ROLE'));
  if (input.name.trim() === '' || input.name.length > 100) errors.push(userError(['input', 'name'], 'Names are 1 to 100 characters', 'INVALID_NAME'));
  input.permissions.forEach((p, i) => {
    if (!isPermission(p)) errors.push(userError(['input', 'permissions', String(i)], `No permission ${p} in the catalogue`, 'UNKNOWN_PERMISSION'));
  });
  if (input.permissions.length === 0) errors.push(userError(['input', 'permissions'], 'A role needs at least one permission', 'PERMISSION_REQUIRED'));
  refuseInvalid(errors);
  const permissions = normalizePermissions(input.permissions);
  refuseWider(input.granter, [{ permissions }]);
  const role = await insertCompanyRole(trx, { companyId: input.companyId, code: input.code, name: input.name.trim(), scope: input.scope, permissions });
  if (!role) failWith(['input', 'code'], `The company already has a role ${input.code}`, 'DUPLICATE_ROLE');
  actor.audit({ entity: 'company_role', entityId: role.id, after: { company: input.companyId, code: role.code, scope: role.scope, permissions } });
  return role;
}

export async function createOperator(trx: ControlPlaneTransaction, input: { email: string; password: string; displayName?: string | null }, actor: Actor) {
  const email = input.email.trim();
  const errors: UserError[] = [];
  if (!isEmail(email)) errors.push(userError(['input', 'email'], 'Not an e-mail address', 'INVALID_EMAIL'));
  const problem = passwordProblem(['input', 'password'], input.password);
  if (problem) errors.push(problem);
  refuseInvalid(errors);
  if (await findUserByEmail(trx, email)) failWith(['input', 'email'], 'An account with this e-mail exists', 'DUPLICATE_EMAIL');
  const user = await insertUser(trx, {
    email,
    displayName: input.displayName?.trim() || null,
    passwordHash: await hashPassword(input.password),
    isOperator: true,
  });
  actor.audit({ entity: 'app_user', entityId: user.id, after: { email, operator: true } });
  return user;
}

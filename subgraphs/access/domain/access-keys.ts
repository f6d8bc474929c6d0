import type { AccessKeyKind, AccessKeyRow } from '../../../platform/control-plane';
import { normalizeModules, type ModuleName } from '../../../platform/modules';
import { userError, type UserError } from '../../kit/errors';
import { isPermission, normalizePermissions, permissionModule, withinModules, type Permission } from '../../../platform/permissions';

export interface IssueKeyInput {
  name: string;
  kind: AccessKeyKind;
  modules: readonly ModuleName[];
  /** Permissions of the catalogue; null or absent: all the issuer may give within the modules. */
  permissions?: readonly string[] | null;
  readOnly?: boolean | null;
}

/** What the caller itself holds (a key, or a person); it can hand on no more than this. */
export interface KeyGrant {
  kind: AccessKeyKind;
  modules: readonly ModuleName[];
  /** The permissions it holds company-wide (scoped ones are not handed on). */
  permissions: readonly Permission[];
  readOnly: boolean;
}

/** The key making a request, with what it holds (id null: a person, who starts no lineage); the operator is represented by null. */
export type IssuingKey = KeyGrant & { id: string | null };

/**
 * How much a kind may do: a STANDARD key runs any operation of its modules, a
 * PARTNER key only persisted ones. A key never issues a kind above its own.
 */
const KIND_RANK: Record<AccessKeyKind, number> = { PARTNER: 1, STANDARD: 2 };

export function kindWithin(requested: AccessKeyKind, issuer: AccessKeyKind): boolean {
  return KIND_RANK[requested] <= KIND_RANK[issuer];
}

/**
 * A key may grant only modules its company subscribes to, and at least one.
 * When a key (not the operator) issues it, the new key must also stay within
 * the issuer's own grant: its modules a subset, its kind no higher.
 */
export function validateIssueKey(input: IssueKeyInput, companyModules: readonly ModuleName[], issuer: KeyGrant | null): UserError[] {
  const errors: UserError[] = [];
  const name = input.name.trim();
  if (name.length === 0) errors.push(userError('input.name', 'Key name is required', 'REQUIRED'));
  else if (name.length > 100) errors.push(userError('input.name', 'Key name is at most 100 characters', 'TOO_LONG'));
  const modules = normalizeModules(input.modules);
  if (modules.length === 0) errors.push(userError('input.modules', 'Grant at least one module', 'NO_MODULES'));
  const outside = modules.filter((m) => !companyModules.includes(m));
  if (outside.length > 0) {
    errors.push(userError('input.modules', `The company does not subscribe to ${outside.join(', ')}`, 'MODULE_NOT_SUBSCRIBED'));
  }
  const named = input.permissions ?? null;
  (named ?? []).forEach((p, i) => {
    if (!isPermission(p)) errors.push(userError(['input', 'permissions', String(i)], `No permission ${p} in the catalogue`, 'UNKNOWN_PERMISSION'));
    else if (permissionModule(p) !== null && !modules.includes(permissionModule(p)!)) {
      errors.push(
        userError(['input', 'permissions', String(i)], `${p} needs ${permissionModule(p)}, which the key does not grant`, 'PERMISSION_OUTSIDE_MODULES'),
      );
    }
  });
  if (issuer) {
    const notHeld = (named ?? []).filter((p) => isPermission(p) && !issuer.permissions.includes(p));
    if (notHeld.length > 0) {
      errors.push(userError('input.permissions', `The caller does not hold ${notHeld.join(', ')}, so it cannot grant it`, 'PERMISSION_NOT_GRANTED'));
    }
    if (issuer.readOnly && !input.readOnly) errors.push(userError('input.readOnly', 'A read-only caller issues only read-only keys', 'READ_ONLY_ISSUER'));
    const beyond = modules.filter((m) => companyModules.includes(m) && !issuer.modules.includes(m));
    if (beyond.length > 0) {
      errors.push(
        userError('input.modules', `The calling key does not grant ${beyond.join(', ')}, so it cannot grant it to another key`, 'MODULE_NOT_GRANTED'),
      );
    }
    if (!kindWithin(input.kind, issuer.kind)) {
      errors.push(userError('input.kind', `A ${issuer.kind} key cannot issue a ${input.kind} key`, 'KIND_NOT_GRANTED'));
    }
  }
  return errors;
}

/**
 * The permissions to store on a new key: those named, or, when a caller with
 * limited permissions names none, exactly what it holds within the key's
 * modules (null, all of the modules', only when the operator issues it).
 */
export function permissionsToStore(input: IssueKeyInput, issuer: KeyGrant | null): Permission[] | null {
  if (input.permissions) return normalizePermissions(input.permissions);
  if (!issuer) return null;
  return withinModules(normalizePermissions(issuer.permissions), normalizeModules(input.modules));
}

/** What the audit log keeps of a key: never the hash. */
export function auditViewOfKey(key: AccessKeyRow): Record<string, unknown> {
  return {
    id: key.id,
    companyId: key.company_id,
    name: key.name,
    kind: key.kind,
    modules: key.modules,
    prefix: key.prefix,
    permissions: key.permissions,
    readOnly: key.read_only,
    owner: key.owner_user_id,
    expiresAt: key.expires_at,
    issuedByKeyId: key.issued_by_key_id,
    revokedAt: key.revoked_at,
  };
}

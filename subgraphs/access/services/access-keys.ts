import type { AccessKeyRow } from '../../../platform/control-plane';
import { generateAccessKey } from '../../../platform/access-key-format';
import { normalizeModules } from '../../../platform/modules';
import type { Actor } from '../../kit/actor';
import { failWith } from '../../kit/errors';
import { refuseInvalid } from '../../kit/validation';
import { actorLabel } from '../deps';
import { auditViewOfKey, permissionsToStore, validateIssueKey, type IssueKeyInput, type IssuingKey } from '../domain/access-keys';
import type { ControlPlaneTransaction } from '../mutation';
import { findValidDescendants, insertAccessKey, isWithinReach, revokeAccessKey as markRevoked, revokeAccessKeys } from '../store/access-keys';
import { findCompany } from '../store/companies';
import { findTenantByCompany } from '../store/tenants';

export interface IssueAccessKeyInput extends IssueKeyInput {
  companyId: string;
  /** The caller (a key, or a person), whose grant the new key must stay within; null for the operator. */
  issuer: IssuingKey | null;
  /** For a personal access token: the person it belongs to. */
  ownerUserId?: string | null;
  expiresAt?: Date | null;
}

export async function issueAccessKey(
  trx: ControlPlaneTransaction,
  input: IssueAccessKeyInput,
  actor: Actor,
): Promise<{ accessKey: AccessKeyRow; secret: string }> {
  const company = await findCompany(trx, input.companyId);
  if (!company) failWith('input.companyId', `No company ${input.companyId}`, 'NOT_FOUND');
  refuseInvalid(validateIssueKey(input, company.modules, input.issuer));
  const tenant = await findTenantByCompany(trx, input.companyId);
  if (!tenant || tenant.status !== 'ACTIVE') failWith('input.companyId', "The company's tenant is not provisioned yet", 'TENANT_NOT_READY');
  const key = generateAccessKey();
  const accessKey = await insertAccessKey(trx, {
    company_id: input.companyId,
    name: input.name.trim(),
    kind: input.kind,
    modules: normalizeModules(input.modules),
    prefix: key.prefix,
    secret_hash: key.hash,
    created_by: actorLabel(actor),
    issued_by_key_id: input.issuer?.id ?? null,
    // A personal token naming no permissions follows its owner's roles as they change (the gateway intersects).
    permissions: input.ownerUserId && !input.permissions ? null : permissionsToStore(input, input.issuer),
    read_only: input.readOnly ?? false,
    owner_user_id: input.ownerUserId ?? null,
    expires_at: input.expiresAt ?? null,
  });
  actor.audit({ entity: 'access_key', entityId: accessKey.id, after: auditViewOfKey(accessKey) });
  return { accessKey, secret: key.secret };
}

/**
 * Whether the caller may revoke `key`: the operator any key, a key itself and
 * the keys issued from it, directly or through other keys. A key's lineage is
 * fixed when it is issued, so checking before the write cannot race.
 */
export async function mayRevoke(trx: ControlPlaneTransaction, revoker: { id: string } | null, key: AccessKeyRow): Promise<boolean> {
  if (revoker === null) return true;
  return revoker.id === key.id || isWithinReach(trx, revoker.id, key.id);
}

export interface RevocationInput {
  key: AccessKeyRow;
  /** Also revoke every still-valid key issued from it. */
  includeDescendants: boolean;
}

/**
 * Revokes a key, and with `includeDescendants` every still-valid key issued
 * from it; the control plane's trigger tells every gateway to forget each one.
 */
export async function revokeAccessKey(
  trx: ControlPlaneTransaction,
  input: RevocationInput,
  actor: Actor,
): Promise<{ accessKey: AccessKeyRow; revokedDescendants: AccessKeyRow[] }> {
  const { key } = input;
  const revoked = await markRevoked(trx, key.id, actorLabel(actor));
  if (!revoked) failWith('input.accessKeyId', 'This key is already revoked', 'ALREADY_REVOKED');
  const descendants = input.includeDescendants ? await findValidDescendants(trx, key.id) : [];
  const revokedDescendants = await revokeAccessKeys(
    trx,
    descendants.map((d) => d.id),
    actorLabel(actor),
  );
  const beforeOf = new Map(descendants.map((d) => [d.id, d]));
  for (const [before, after] of [[key, revoked] as const, ...revokedDescendants.map((d) => [beforeOf.get(d.id)!, d] as const)]) {
    actor.audit({ entity: 'access_key', entityId: after.id, before: auditViewOfKey(before), after: auditViewOfKey(after) });
  }
  return { accessKey: revoked, revokedDescendants };
}

import type { AccessKeyRow } from '../../../platform/control-plane';
import { generateAccessKey } from '../../../platform/access-key-format';
import { normalizeModules } from '../../../platform/modules';
import { failWith, UserErrorsException } from '../../kit/errors';
import { actorLabel, type AccessDeps, type Actor } from '../deps';
import { auditViewOfKey, validateIssueKey, type IssueKeyInput, type IssuingKey } from '../domain/access-keys';
import { findAccessKey, findValidDescendants, insertAccessKey, isWithinReach, revokeAccessKey as markRevoked, revokeAccessKeys } from '../store/access-keys';
import { writeGlobalAudit } from '../store/audit';
import { findCompany } from '../store/companies';
import { findTenantByCompany } from '../store/tenants';

export async function issueAccessKey(
  deps: AccessDeps,
  companyId: string,
  input: IssueKeyInput,
  issuer: IssuingKey | null,
  actor: Actor,
): Promise<{ accessKey: AccessKeyRow; secret: string }> {
  const company = await findCompany(deps.controlPlane, companyId);
  if (!company) failWith('input.companyId', `No company ${companyId}`, 'NOT_FOUND');
  const errors = validateIssueKey(input, company.modules, issuer);
  if (errors.length > 0) throw new UserErrorsException(errors);
  const tenant = await findTenantByCompany(deps.controlPlane, companyId);
  if (!tenant || tenant.status !== 'ACTIVE') failWith('input.companyId', "The company's tenant is not provisioned yet", 'TENANT_NOT_READY');
  const key = generateAccessKey();
  return deps.controlPlane.transaction().execute(async (trx) => {
    const accessKey = await insertAccessKey(trx, {
      company_id: companyId,
      name: input.name.trim(),
      kind: input.kind,
      modules: normalizeModules(input.modules),
      prefix: key.prefix,
      secret_hash: key.hash,
      created_by: actorLabel(actor),
      issued_by_key_id: issuer?.id ?? null,
    });
    await writeGlobalAudit(trx, [
      { actorKind: actor.kind, actorId: actor.id, requestId: actor.requestId, operation: 'issueAccessKey', entity: 'access_key', entityId: accessKey.id, after: auditViewOfKey(accessKey) },
    ]);
    return { accessKey, secret: key.secret };
  });
}

/**
 * Whether the caller may revoke `key`: the operator any key, a key itself and
 * the keys issued from it, directly or through other keys. A key's lineage is
 * fixed when it is issued, so checking before the write cannot race.
 */
export async function mayRevoke(deps: AccessDeps, revoker: { id: string } | null, key: AccessKeyRow): Promise<boolean> {
  if (revoker === null) return true;
  return revoker.id === key.id || isWithinReach(deps.controlPlane, revoker.id, key.id);
}

/**
 * Revokes a key, and with `includeDescendants` every still-valid key issued
 * from it; the control plane's trigger tells every gateway to forget each one.
 */
export async function revokeAccessKey(
  deps: AccessDeps,
  key: AccessKeyRow,
  options: { includeDescendants: boolean },
  actor: Actor,
): Promise<{ accessKey: AccessKeyRow; revokedDescendants: AccessKeyRow[] }> {
  return deps.controlPlane.transaction().execute(async (trx) => {
    const revoked = await markRevoked(trx, key.id, actorLabel(actor));
    if (!revoked) failWith('input.accessKeyId', 'This key is already revoked', 'ALREADY_REVOKED');
    const descendants = options.includeDescendants ? await findValidDescendants(trx, key.id) : [];
    const revokedDescendants = await revokeAccessKeys(
      trx,
      descendants.map((d) => d.id),
      actorLabel(actor),
    );
    const audit = (before: AccessKeyRow, after: AccessKeyRow) => ({
      actorKind: actor.kind,
      actorId: actor.id,
      requestId: actor.requestId,
      operation: 'revokeAccessKey',
      entity: 'access_key',
      entityId: after.id,
      before: auditViewOfKey(before),
      after: auditViewOfKey(after),
    });
    const beforeOf = new Map(descendants.map((d) => [d.id, d]));
    await writeGlobalAudit(trx, [audit(key, revoked), ...revokedDescendants.map((d) => audit(beforeOf.get(d.id)!, d))]);
    return { accessKey: revoked, revokedDescendants };
  });
}

export { findAccessKey };

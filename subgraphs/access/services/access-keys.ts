import type { AccessKeyRow } from '../../../platform/control-plane';
import { generateAccessKey } from '../../../platform/access-key-format';
import { normalizeModules } from '../../../platform/modules';
import { failWith, UserErrorsException } from '../../kit/errors';
import { actorLabel, type AccessDeps, type Actor } from '../deps';
import { auditViewOfKey, validateIssueKey, type IssueKeyInput } from '../domain/access-keys';
import { findAccessKey, insertAccessKey, revokeAccessKey as markRevoked } from '../store/access-keys';
import { writeGlobalAudit } from '../store/audit';
import { findCompany } from '../store/companies';
import { findTenantByCompany } from '../store/tenants';

export async function issueAccessKey(deps: AccessDeps, companyId: string, input: IssueKeyInput, actor: Actor): Promise<{ accessKey: AccessKeyRow; secret: string }> {
  const company = await findCompany(deps.controlPlane, companyId);
  if (!company) failWith('input.companyId', `No company ${companyId}`, 'NOT_FOUND');
  const errors = validateIssueKey(input, company.modules);
  if (errors.length > 0) throw new UserErrorsException(errors);
  const tenant = await findTenantByCompany(deps.controlPlane, companyId);
  if (!tenant || tenant.status !== 'ACTIVE') failWith('input.companyId', 'The company\'s tenant is not provisioned yet', 'TENANT_NOT_READY');
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
    });
    await writeGlobalAudit(trx, [
      { actorKind: actor.kind, actorId: actor.id, requestId: actor.requestId, operation: 'issueAccessKey', entity: 'access_key', entityId: accessKey.id, after: auditViewOfKey(accessKey) },
    ]);
    return { accessKey, secret: key.secret };
  });
}

/** Revokes a key; the control plane's trigger tells every gateway to forget it. */
export async function revokeAccessKey(deps: AccessDeps, key: AccessKeyRow, actor: Actor): Promise<AccessKeyRow> {
  return deps.controlPlane.transaction().execute(async (trx) => {
    const revoked = await markRevoked(trx, key.id, actorLabel(actor));
    if (!revoked) failWith('input.accessKeyId', 'This key is already revoked', 'ALREADY_REVOKED');
    await writeGlobalAudit(trx, [
      { actorKind: actor.kind, actorId: actor.id, requestId: actor.requestId, operation: 'revokeAccessKey', entity: 'access_key', entityId: key.id, before: auditViewOfKey(key), after: auditViewOfKey(revoked) },
    ]);
    return revoked;
  });
}

export { findAccessKey };

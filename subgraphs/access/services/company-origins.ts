import type { CompanyRow } from '../../../platform/control-plane';
import { originProblem } from '../../../platform/origins';
import type { Actor } from '../../kit/actor';
import { failWith, userError } from '../../kit/errors';
import { refuseInvalid } from '../../kit/validation';
import type { ControlPlaneTransaction } from '../mutation';
import { findCompany, setCompanyOrigins as storeOrigins } from '../store/companies';

const MAX_ORIGINS = 20;

/** Replaces the origins of the company's console after checking each is an exact origin. */
export async function setCompanyOrigins(
  trx: ControlPlaneTransaction,
  input: { companyId: string; origins: readonly string[] },
  actor: Actor,
): Promise<CompanyRow> {
  const company = await findCompany(trx, input.companyId);
  if (!company) failWith(['input', 'companyId'], `No company ${input.companyId}`, 'NOT_FOUND');
  const origins = [...new Set(input.origins.map((o) => o.trim()))];
  const errors = origins.flatMap((origin, i) => {
    const problem = originProblem(origin);
    return problem ? [userError(['input', 'origins', String(i)], problem, 'INVALID_ORIGIN')] : [];
  });
  if (origins.length > MAX_ORIGINS) errors.push(userError(['input', 'origins'], `At most ${MAX_ORIGINS} origins`, 'TOO_MANY_ORIGINS'));
  refuseInvalid(errors);
  const updated = await storeOrigins(trx, company.id, origins);
  actor.audit({ entity: 'company', entityId: company.id, before: { corsOrigins: company.cors_origins }, after: { corsOrigins: origins } });
  return updated;
}

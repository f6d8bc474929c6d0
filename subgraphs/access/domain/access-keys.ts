import type { AccessKeyKind, AccessKeyRow } from '../../../platform/control-plane';
import { normalizeModules, type ModuleName } from '../../../platform/modules';
import { userError, type UserError } from '../../kit/errors';

export interface IssueKeyInput {
  name: string;
  kind: AccessKeyKind;
  modules: readonly ModuleName[];
}

/** A key may grant only modules its company subscribes to, and at least one. */
export function validateIssueKey(input: IssueKeyInput, companyModules: readonly ModuleName[]): UserError[] {
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
  return errors;
}

/** What the audit log keeps of a key: never the hash. */
export function auditViewOfKey(key: AccessKeyRow): Record<string, unknown> {
  return { id: key.id, companyId: key.company_id, name: key.name, kind: key.kind, modules: key.modules, prefix: key.prefix, revokedAt: key.revoked_at };
}

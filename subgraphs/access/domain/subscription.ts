import type { PlanRow } from '../../../platform/control-plane';
import { normalizeModules, type ModuleName } from '../../../platform/modules';
import { userError, type UserError } from '../../kit/errors';
import { isEmail, type Validated } from '../../kit/validation';

export interface SubscriptionRequestInput {
  companyName: string;
  contactEmail: string;
  modules: readonly ModuleName[];
  planCode?: string | null;
}

export interface ValidSubscriptionRequest {
  companyName: string;
  contactEmail: string;
  modules: ModuleName[];
  planCode: string | null;
}

/** Checks a request against the plan (already looked up, or null when none was asked for). */
export function validateSubscriptionRequest(input: SubscriptionRequestInput, plan: PlanRow | null | undefined): Validated<ValidSubscriptionRequest> {
  const errors: UserError[] = [];
  const companyName = input.companyName.trim();
  const contactEmail = input.contactEmail.trim().toLowerCase();
  if (companyName.length === 0) errors.push(userError('input.companyName', 'Company name is required', 'REQUIRED'));
  else if (companyName.length > 200) errors.push(userError('input.companyName', 'Company name is at most 200 characters', 'TOO_LONG'));
  if (!isEmail(contactEmail)) errors.push(userError('input.contactEmail', `"${input.contactEmail}" is not an e-mail address`, 'INVALID_EMAIL'));
  const planCode = input.planCode ?? null;
  if (planCode !== null && !plan) errors.push(userError('input.planCode', `There is no plan "${planCode}"`, 'UNKNOWN_PLAN'));
  let modules = normalizeModules(input.modules);
  if (modules.length === 0 && plan) modules = normalizeModules(plan.modules);
  if (modules.length === 0) errors.push(userError('input.modules', 'Choose at least one module (or a plan)', 'NO_MODULES'));
  if (plan) {
    const outside = modules.filter((m) => !plan.modules.includes(m));
    if (outside.length > 0) errors.push(userError('input.modules', `Plan ${plan.code} does not include ${outside.join(', ')}`, 'MODULE_NOT_IN_PLAN'));
  }
  if (errors.length > 0) return { ok: false, userErrors: errors };
  return { ok: true, value: { companyName, contactEmail, modules, planCode } };
}

/** URL-safe handle from a company name: "Acme Industrial, S.A." → "acme-industrial-s-a". */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return base.length >= 2 ? base : `company-${base || 'x'}`;
}

/** The base slug if free, else base-2, base-3, ... */
export function nextFreeSlug(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** Tenant database name: readable, unique (company id), within PostgreSQL's 63 bytes. */
export function tenantDatabaseName(prefix: string, slug: string, companyId: string): string {
  const readable = slug.replace(/-/g, '_').slice(0, 63 - prefix.length - 13);
  return `${prefix}${readable}_${companyId.replace(/-/g, '').slice(0, 12)}`;
}

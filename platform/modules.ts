/**
 * The business modules a company can subscribe to, and the PostgreSQL schema each one owns.
 * The one list of module names (docs/adding-a-module.md): the GraphQL enum `ModuleName`
 * and the control plane's table of known modules are written from it.
 */
export const MODULES = ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] as const;
export type ModuleName = (typeof MODULES)[number];

/** What each module is for, in one sentence: the description of its `ModuleName` value in Sandbox. */
export const MODULE_DESCRIPTIONS: Record<ModuleName, string> = {
  ASSETS: 'Asset registry, custody, depreciation and maintenance.',
  EMPLOYEES: 'Staff directory, organisation and contracts.',
  FINANCE: 'Chart of accounts, journal, bank transactions and reconciliation.',
  PAYROLL: 'Pay runs, payslips and posting payroll to the ledger.',
};

export function isModuleName(value: string): value is ModuleName {
  return (MODULES as readonly string[]).includes(value);
}

/** Schema in the tenant database owned by a module (`ASSETS` → `assets`). */
export function moduleSchema(module: ModuleName): string {
  return module.toLowerCase();
}

/** Platform-owned schemas every tenant database has, whatever it subscribed to. */
export const PLATFORM_TENANT_SCHEMAS = ['audit'] as const;

/** Sorts and de-duplicates a module list so it can be compared and stored canonically. */
export function normalizeModules(modules: readonly ModuleName[]): ModuleName[] {
  return MODULES.filter((m) => modules.includes(m));
}

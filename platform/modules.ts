/** The business modules a company can subscribe to, and the PostgreSQL schema each one owns. */
export const MODULES = ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] as const;
export type ModuleName = (typeof MODULES)[number];

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

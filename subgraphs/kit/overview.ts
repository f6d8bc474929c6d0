import type { ModuleName } from '../../platform/modules';
import type { BaseContext } from './context';
import { seesOverview } from './permissions';

/**
 * The overview of the caller's own tenant only: another tenant's
 * representation resolves to null, never to this tenant's figures.
 */
export function ownTenant<R extends { tenantId: string }>(ref: R, ctx: BaseContext): R | null {
  return ref.tenantId === ctx.caller.tenant?.id ? ref : null;
}

/** Whether the caller sees the overview of every module a cross-module metric needs; the metric is null otherwise. */
export function grantsAll(ctx: BaseContext, modules: readonly ModuleName[]): boolean {
  return modules.every((m) => seesOverview(ctx, m));
}

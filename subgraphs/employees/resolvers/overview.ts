import { ownTenant } from '../../kit/overview';
import type { EmployeesContext } from '../context';
import { newHireWindow } from '../domain/overview';
import type { Resolvers } from '../generated/resolvers-types';
import { employeesOverviewFigures, type EmployeesOverviewFigures } from '../store/overview';

// The block and the headcount come in one request: one statement serves both.
const figuresOfRequest = new WeakMap<EmployeesContext, Promise<EmployeesOverviewFigures>>();

function figures(ctx: EmployeesContext): Promise<EmployeesOverviewFigures> {
  let pending = figuresOfRequest.get(ctx);
  if (!pending) {
    const window = newHireWindow(ctx.today);
    pending = employeesOverviewFigures(ctx.db(), window.from, window.to);
    figuresOfRequest.set(ctx, pending);
  }
  return pending;
}

/**
 * The employees block of the overview and the headcount that assets and
 * payroll require for their cross-module metrics. Without EMPLOYEES in the key
 * both are null, never an error, and no SQL runs.
 */
export const overviewResolvers: Resolvers = {
  Overview: {
    __resolveReference: (ref, ctx) => ownTenant({ tenantId: ref.tenantId }, ctx),
    employees: (_overview, _args, ctx) => (ctx.granted ? figures(ctx) : null),
    activeHeadcount: async (_overview, _args, ctx) => (ctx.granted ? (await figures(ctx)).activeHeadcount : null),
  },
};

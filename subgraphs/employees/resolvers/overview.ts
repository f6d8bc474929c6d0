import { ownTenant } from '../../kit/overview';
import { newHireWindow } from '../domain/overview';
import type { Resolvers } from '../generated/resolvers-types';
import { countActiveEmployees, employeesOverviewFigures } from '../store/overview';

/**
 * The employees block of the overview and the headcount that assets and
 * payroll require for their cross-module metrics. Without EMPLOYEES in the key
 * both are null, never an error, and no SQL runs.
 */
export const overviewResolvers: Resolvers = {
  Overview: {
    __resolveReference: (ref, ctx) => ownTenant({ tenantId: ref.tenantId }, ctx),
    employees: (_overview, _args, ctx) => {
      if (!ctx.granted) return null;
      const window = newHireWindow(ctx.today);
      return employeesOverviewFigures(ctx.db(), window.from, window.to);
    },
    activeHeadcount: (_overview, _args, ctx) => (ctx.granted ? countActiveEmployees(ctx.db()) : null),
  },
};

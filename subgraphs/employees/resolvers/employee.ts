import { fullName } from '../domain/names';
import type { Resolvers } from '../generated/resolvers-types';

export const employeeResolvers: Resolvers = {
  Employee: {
    // Another subgraph's reference resolves only to an employee of the caller's own
    // tenant database, and to null (never an invented entity) when there is none.
    __resolveReference: (ref, ctx) => {
      ctx.tenant();
      return ctx.loaders.employee.load(ref.id);
    },
    employeeNumber: (e) => e.employee_number,
    firstName: (e) => e.first_name,
    lastName: (e) => e.last_name,
    fullName: (e) => fullName(e),
    hireDate: (e) => e.hire_date,
    terminationDate: (e) => e.termination_date,
    department: (e, _args, ctx) => (e.department_id ? ctx.loaders.department.load(e.department_id) : null),
    position: (e, _args, ctx) => (e.position_id ? ctx.loaders.position.load(e.position_id) : null),
    manager: (e, _args, ctx) => (e.manager_id ? ctx.loaders.employee.load(e.manager_id) : null),
    reports: (e, _args, ctx) => ctx.loaders.reportsOf.load(e.id),
    roles: (e, _args, ctx) => ctx.loaders.rolesOf.load(e.id),
    positionHistory: (e, _args, ctx) => ctx.loaders.positionHistoryOf.load(e.id),
    contracts: (e, _args, ctx) => ctx.loaders.contractsOf.load(e.id),
    currentContract: (e, _args, ctx) => ctx.loaders.currentContractOf.load(e.id),
  },
  PositionAssignment: {
    position: async (a, _args, ctx) => {
      const position = await ctx.loaders.position.load(a.position_id);
      if (!position) throw new Error(`position ${a.position_id} of assignment ${a.id} is missing`);
      return position;
    },
    startDate: (a) => a.start_date,
    endDate: (a) => a.end_date,
  },
};

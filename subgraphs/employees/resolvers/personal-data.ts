import { can, rowScope } from '../../kit/permissions';
import type { EmployeesContext } from '../context';
import { maskPersonalData, recordedFields } from '../domain/personal-data';
import type { Resolvers } from '../generated/resolvers-types';
import { employeeIdsByTaxId, readPersonalData } from '../services/personal-data';

const SENSITIVE = 'employees:sensitive.read';

/** Company-wide holders of employees:sensitive.read see everyone's data in full; everybody sees their own. */
function mayReveal(ctx: EmployeesContext, employeeId: string): boolean {
  return (can(ctx, SENSITIVE) && rowScope(ctx, SENSITIVE) === null) || ctx.selfEmployeeId === employeeId;
}

export const personalDataResolvers: Resolvers = {
  Query: {
    employeesByTaxId: async (_parent, { taxId }, ctx) => {
      const ids = await employeeIdsByTaxId(ctx.db(), ctx.keyring(), taxId);
      // Through the directory loader: a scoped caller finds only employees of their scope.
      const employees = await Promise.all(ids.sort().map((id) => ctx.loaders.employee.load(id)));
      return employees.filter((e) => e !== null);
    },
  },
  Employee: {
    personalData: async (employee, _args, ctx) => {
      const row = await ctx.loaders.personalDataOf.load(employee.id);
      if (!row) return null;
      const data = await readPersonalData(ctx.db(), ctx.keyring(), row);
      if (!mayReveal(ctx, employee.id)) return { masked: true, ...maskPersonalData(data) };
      // The audit row is written before the values leave: a reveal that cannot be audited does not happen.
      await ctx.reveals.load({ employeeId: employee.id, fields: recordedFields(data) });
      return { masked: false, ...data };
    },
  },
};

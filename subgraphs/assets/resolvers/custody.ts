import { runModuleMutation } from '../../kit/mutation';
import { isActiveHolder } from '../domain/status';
import type { Resolvers } from '../generated/resolvers-types';
import { assignAsset, returnAsset } from '../services/custody';

const employeeRef = (id: string) => ({ __typename: 'Employee' as const, id });

export const custodyResolvers: Resolvers = {
  Mutation: {
    assignAsset: (_parent, { input }, ctx) => runModuleMutation(ctx, 'assignAsset', (trx, actor) => assignAsset(trx, input, actor)),
    returnAsset: (_parent, { input }, ctx) => runModuleMutation(ctx, 'returnAsset', (trx, actor) => returnAsset(trx, input, actor)),
  },
  Asset: {
    // A reference only: the employees subgraph owns and resolves the employee.
    holder: async (a, _args, ctx) => {
      const open = await ctx.loaders.openAssignmentOfAsset.load(a.id);
      return open ? employeeRef(open.employee_id) : null;
    },
    holderStatus: async (a, _args, ctx) => {
      const open = await ctx.loaders.openAssignmentOfAsset.load(a.id);
      return open ? ((await ctx.loaders.employee.load(open.employee_id))?.status ?? null) : null;
    },
    holderActive: async (a, _args, ctx) => {
      const open = await ctx.loaders.openAssignmentOfAsset.load(a.id);
      return open ? isActiveHolder((await ctx.loaders.employee.load(open.employee_id))?.status ?? null) : null;
    },
    assignments: (a, _args, ctx) => ctx.loaders.assignmentsOfAsset.load(a.id),
  },
  AssetAssignment: {
    asset: async (assignment, _args, ctx) => {
      const asset = await ctx.loaders.asset.load(assignment.asset_id);
      if (!asset) throw new Error(`asset ${assignment.asset_id} of assignment ${assignment.id} is missing`);
      return asset;
    },
    employee: (assignment) => employeeRef(assignment.employee_id),
    assignedAt: (assignment) => assignment.assigned_on,
    returnedAt: (assignment) => assignment.returned_on,
  },
};

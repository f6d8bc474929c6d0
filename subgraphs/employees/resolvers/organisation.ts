import { runModuleMutation } from '../../kit/mutation';
import { isUuid } from '../../../platform/ids';
import type { Resolvers } from '../generated/resolvers-types';
import { createDepartment, createPosition, moveDepartment } from '../services/organisation';
import { listDepartments } from '../store/departments';
import { listPositions } from '../store/positions';

export const organisationResolvers: Resolvers = {
  Query: {
    departments: (_parent, _args, ctx) => listDepartments(ctx.db()),
    department: (_parent, { id }, ctx) => {
      ctx.tenant();
      return ctx.loaders.department.load(id);
    },
    positions: async (_parent, { departmentId }, ctx) => {
      const db = ctx.db();
      if (departmentId != null && !isUuid(departmentId)) return [];
      return listPositions(db, { departmentId: departmentId ?? null });
    },
  },
  Mutation: {
    createDepartment: (_parent, { input }, ctx) => runModuleMutation(ctx, 'createDepartment', (trx, actor) => createDepartment(trx, input, actor)),
    moveDepartment: (_parent, { input }, ctx) => runModuleMutation(ctx, 'moveDepartment', (trx, actor) => moveDepartment(trx, input, actor)),
    createPosition: (_parent, { input }, ctx) => runModuleMutation(ctx, 'createPosition', (trx, actor) => createPosition(trx, input, actor)),
  },
  Department: {
    parent: (d, _args, ctx) => (d.parent_id ? ctx.loaders.department.load(d.parent_id) : null),
    children: (d, _args, ctx) => ctx.loaders.childDepartmentsOf.load(d.id),
    positions: (d, _args, ctx) => ctx.loaders.positionsOfDepartment.load(d.id),
  },
  Position: {
    department: async (p, _args, ctx) => {
      const department = await ctx.loaders.department.load(p.department_id);
      if (!department) throw new Error(`department ${p.department_id} of position ${p.id} is missing`);
      return department;
    },
  },
};

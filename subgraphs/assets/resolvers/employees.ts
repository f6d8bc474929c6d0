import type { Resolvers } from '../generated/resolvers-types';

export const employeeResolvers: Resolvers = {
  Employee: {
    // Whether the employee exists is the employees subgraph's answer; assets only adds to it.
    __resolveReference: (ref) => ({ id: ref.id }),
    assets: (employee, _args, ctx) => ctx.loaders.heldAssetsOfEmployee.load(employee.id),
    assetHistory: (employee, _args, ctx) => ctx.loaders.assignmentsOfEmployee.load(employee.id),
  },
};

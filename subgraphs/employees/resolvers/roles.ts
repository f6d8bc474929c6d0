import type { Resolvers } from '../generated/resolvers-types';
import { createRole, grantRole, revokeRole } from '../services/roles';
import { listRoles } from '../store/roles';

export const roleResolvers: Resolvers = {
  Query: {
    roles: (_parent, _args, ctx) => listRoles(ctx.db()),
  },
  Mutation: {
    createRole: (_parent, { input }, ctx) => createRole(ctx, input),
    grantRole: (_parent, { input }, ctx) => grantRole(ctx, input),
    revokeRole: (_parent, { input }, ctx) => revokeRole(ctx, input),
  },
};

import { runModuleMutation } from '../../kit/mutation';
import type { Resolvers } from '../generated/resolvers-types';
import { createRole, grantRole, revokeRole } from '../services/roles';
import { listRoles } from '../store/roles';

export const roleResolvers: Resolvers = {
  Query: {
    roles: (_parent, _args, ctx) => listRoles(ctx.db()),
  },
  Mutation: {
    createRole: (_parent, { input }, ctx) => runModuleMutation(ctx, 'createRole', (trx, actor) => createRole(trx, input, actor)),
    grantRole: (_parent, { input }, ctx) => runModuleMutation(ctx, 'grantRole', (trx, actor) => grantRole(trx, input, actor)),
    revokeRole: (_parent, { input }, ctx) => runModuleMutation(ctx, 'revokeRole', (trx, actor) => revokeRole(trx, input, actor)),
  },
};

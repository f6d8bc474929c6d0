import { runModuleMutation } from '../../kit/mutation';
import type { Resolvers } from '../generated/resolvers-types';
import { setEmployeeManager, changePosition, setEmployeeStatus, updateEmployeeDetails } from '../services/employee-changes';
import { hireEmployee } from '../services/hiring';
import { terminateEmployee } from '../services/termination';

export const employeeMutationResolvers: Resolvers = {
  Mutation: {
    hireEmployee: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'hireEmployee', (trx, actor) => hireEmployee(trx, input, actor, ctx.keyring(), ctx.customFields.canRead)),
    setEmployeeManager: (_parent, { input }, ctx) => runModuleMutation(ctx, 'setEmployeeManager', (trx, actor) => setEmployeeManager(trx, input, actor)),
    changePosition: (_parent, { input }, ctx) => runModuleMutation(ctx, 'changePosition', (trx, actor) => changePosition(trx, input, actor)),
    setEmployeeStatus: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'setEmployeeStatus', (trx, actor) => setEmployeeStatus(trx, { ...input, today: ctx.today }, actor)),
    updateEmployeeDetails: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'updateEmployeeDetails', (trx, actor) => updateEmployeeDetails(trx, input, actor, ctx.keyring(), ctx.customFields.canRead)),
    terminateEmployee: (_parent, { input }, ctx) => runModuleMutation(ctx, 'terminateEmployee', (trx, actor) => terminateEmployee(trx, input, actor)),
  },
};

import type { Resolvers } from '../generated/resolvers-types';
import { setEmployeeManager, changePosition, setEmployeeStatus, updateEmployeeDetails } from '../services/employee-changes';
import { hireEmployee } from '../services/hiring';
import { terminateEmployee } from '../services/termination';

export const employeeMutationResolvers: Resolvers = {
  Mutation: {
    hireEmployee: (_parent, { input }, ctx) => hireEmployee(ctx, input),
    setEmployeeManager: (_parent, { input }, ctx) => setEmployeeManager(ctx, input),
    changePosition: (_parent, { input }, ctx) => changePosition(ctx, input),
    setEmployeeStatus: (_parent, { input }, ctx) => setEmployeeStatus(ctx, input),
    updateEmployeeDetails: (_parent, { input }, ctx) => updateEmployeeDetails(ctx, input),
    terminateEmployee: (_parent, { input }, ctx) => terminateEmployee(ctx, input),
  },
};

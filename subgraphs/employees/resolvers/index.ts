import { mergeResolvers } from '../../kit/resolvers';
import type { Resolvers } from '../generated/resolvers-types';
import { contractResolvers } from './contracts';
import { customFieldResolvers } from './custom-fields';
import { directoryResolvers } from './directory';
import { employeeResolvers } from './employee';
import { employeeMutationResolvers } from './employee-mutations';
import { organisationResolvers } from './organisation';
import { overviewResolvers } from './overview';
import { personalDataResolvers } from './personal-data';
import { roleResolvers } from './roles';

/** The employees subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = mergeResolvers<Resolvers>(
  directoryResolvers,
  employeeResolvers,
  employeeMutationResolvers,
  organisationResolvers,
  roleResolvers,
  contractResolvers,
  overviewResolvers,
  personalDataResolvers,
  customFieldResolvers,
);

import { scalarResolvers } from '../../kit/scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { contractResolvers } from './contracts';
import { directoryResolvers } from './directory';
import { employeeResolvers } from './employee';
import { employeeMutationResolvers } from './employee-mutations';
import { organisationResolvers } from './organisation';
import { overviewResolvers } from './overview';
import { roleResolvers } from './roles';

const parts: Resolvers[] = [directoryResolvers, employeeResolvers, employeeMutationResolvers, organisationResolvers, roleResolvers, contractResolvers, overviewResolvers];

/** The employees subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = { ...scalarResolvers };
for (const part of parts) {
  for (const [type, fields] of Object.entries(part)) {
    const target = resolvers as Record<string, object>;
    target[type] = { ...(target[type] ?? {}), ...fields };
  }
}

import { scalarResolvers } from '../../kit/scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { accessKeyResolvers } from './access-keys';
import { companyResolvers } from './companies';
import { meResolvers } from './me';
import { overviewResolvers } from './overview';
import { planResolvers } from './plans';
import { subscriptionRequestResolvers } from './subscription-requests';

const parts: Resolvers[] = [planResolvers, subscriptionRequestResolvers, companyResolvers, accessKeyResolvers, meResolvers, overviewResolvers];

/** The access subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = { ...scalarResolvers };
for (const part of parts) {
  for (const [type, fields] of Object.entries(part)) {
    const target = resolvers as Record<string, object>;
    target[type] = { ...(target[type] ?? {}), ...fields };
  }
}

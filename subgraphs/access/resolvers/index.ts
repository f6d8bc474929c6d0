import { mergeResolvers } from '../../kit/resolvers';
import type { Resolvers } from '../generated/resolvers-types';
import { accessKeyResolvers } from './access-keys';
import { companyResolvers } from './companies';
import { identityProviderResolvers } from './identity-providers';
import { meResolvers } from './me';
import { operationsResolvers } from './operations';
import { overviewResolvers } from './overview';
import { peopleResolvers } from './people';
import { planResolvers } from './plans';
import { subscriptionRequestResolvers } from './subscription-requests';
import { webhookResolvers } from './webhooks';

/** The access subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = mergeResolvers<Resolvers>(
  planResolvers,
  subscriptionRequestResolvers,
  companyResolvers,
  accessKeyResolvers,
  meResolvers,
  overviewResolvers,
  peopleResolvers,
  identityProviderResolvers,
  operationsResolvers,
  webhookResolvers,
);

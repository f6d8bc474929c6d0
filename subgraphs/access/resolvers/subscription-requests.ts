import { actorOf } from '../../kit/actor';
import { withUserErrors } from '../../kit/errors';
import { paginate } from '../../kit/pagination';
import { assertCan } from '../authz';
import type { Resolvers } from '../generated/resolvers-types';
import { runAccessMutation } from '../mutation';
import { approveSubscriptionRequest } from '../provisioning/approve-subscription';
import { rejectSubscriptionRequest, requestSubscription, subscriptionRequestByStatusToken } from '../services/subscription-requests';
import { countSubscriptionRequests, findSubscriptionRequest, listSubscriptionRequests } from '../store/subscription-requests';

export const subscriptionRequestResolvers: Resolvers = {
  Query: {
    subscriptionRequests: (_parent, args, ctx) => {
      assertCan(ctx.caller, 'subscription:review');
      const filter = { status: args.status ?? null };
      return paginate(args, {
        cursorShape: ['timestamp', 'uuid'],
        fetch: (page) => listSubscriptionRequests(ctx.deps.controlPlane, filter, page),
        cursorOf: (r) => [r.cursor_created_at, r.id],
        count: () => countSubscriptionRequests(ctx.deps.controlPlane, filter),
      });
    },
    subscriptionRequest: async (_parent, { id }, ctx) => {
      assertCan(ctx.caller, 'subscription:review');
      return (await findSubscriptionRequest(ctx.deps.controlPlane, id)) ?? null;
    },
    // Public: the token is the requester's proof, so no caller check applies.
    subscriptionRequestStatus: (_parent, { token }, ctx) => subscriptionRequestByStatusToken(ctx.deps.controlPlane, token),
  },
  Mutation: {
    requestSubscription: (_parent, { input }, ctx) => runAccessMutation(ctx, 'requestSubscription', (trx, actor) => requestSubscription(trx, input, actor)),
    approveSubscriptionRequest: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'subscription:review');
      return withUserErrors(() => approveSubscriptionRequest(ctx.deps, input.requestId, actorOf(ctx)));
    },
    rejectSubscriptionRequest: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'subscription:review');
      return runAccessMutation(ctx, 'rejectSubscriptionRequest', (trx, actor) => rejectSubscriptionRequest(trx, input, actor));
    },
  },
  SubscriptionRequest: {
    companyName: (r) => r.company_name,
    contactEmail: (r) => r.contact_email,
    planCode: (r) => r.plan_code,
    createdAt: (r) => r.created_at,
    decidedAt: (r) => r.decided_at,
    rejectionReason: (r) => r.rejection_reason,
    company: (r, _args, ctx) => (r.status === 'APPROVED' ? ctx.loaders.companyOfRequest.load(r.id) : null),
  },
  RequestStatusView: {
    companyName: (r) => r.company_name,
    planCode: (r) => r.plan_code,
    createdAt: (r) => r.created_at,
    decidedAt: (r) => r.decided_at,
    rejectionReason: (r) => r.rejection_reason,
    company: (r, _args, ctx) => (r.status === 'APPROVED' ? ctx.loaders.companyOfRequest.load(r.id) : null),
  },
};

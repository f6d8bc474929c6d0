import { actorOf } from '../../kit/actor';
import { withUserErrors } from '../../kit/errors';
import { paginate } from '../../kit/pagination';
import { assertCan } from '../authz';
import type { SubscriptionRequestRow } from '../../../platform/control-plane';
import type { AccessContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { runAccessMutation } from '../mutation';
import { approveSubscriptionRequest } from '../provisioning/approve-subscription';
import { rejectSubscriptionRequest, requestSubscription, subscriptionRequestByStatusToken } from '../services/subscription-requests';
import { countSubscriptionRequests, findSubscriptionRequest, listSubscriptionRequests } from '../store/subscription-requests';

/** Fields read alike from a request row by the operator's view and the requester's (which never has the contact e-mail). */
const requestFields = {
  companyName: (r: SubscriptionRequestRow) => r.company_name,
  planCode: (r: SubscriptionRequestRow) => r.plan_code,
  createdAt: (r: SubscriptionRequestRow) => r.created_at,
  decidedAt: (r: SubscriptionRequestRow) => r.decided_at,
  rejectionReason: (r: SubscriptionRequestRow) => r.rejection_reason,
  company: (r: SubscriptionRequestRow, _args: unknown, ctx: AccessContext) => (r.status === 'APPROVED' ? ctx.loaders.companyOfRequest.load(r.id) : null),
};

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
  SubscriptionRequest: { ...requestFields, contactEmail: (r) => r.contact_email },
  RequestStatusView: requestFields,
};

import type { WebhookEndpointRow } from '../../../platform/control-plane';
import { PUBLIC_EVENT_TYPES } from '../../contracts/public-events';
import { failWith } from '../../kit/errors';
import { paginate } from '../../kit/pagination';
import { assertCan, holdsPermission } from '../authz';
import type { AccessContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { runAccessMutation, type ControlPlaneTransaction } from '../mutation';
import * as webhooks from '../services/webhooks';
import { countDeliveryAttempts, findWebhookEndpoint, listDeliveryAttempts, listWebhookEndpoints } from '../store/webhooks';

const policyOf = (ctx: AccessContext): webhooks.WebhookPolicy => ({
  allowLoopback: ctx.deps.webhooksAllowLoopback,
  holds: (permission) => holdsPermission(ctx.caller, permission),
});

/**
 * The endpoint, if the caller may manage it. An endpoint of another company is
 * reported as missing, never as forbidden: ids must not leak.
 */
async function manageable(
  ctx: AccessContext,
  trx: ControlPlaneTransaction | AccessContext['deps']['controlPlane'],
  endpointId: string,
): Promise<WebhookEndpointRow> {
  const endpoint = await findWebhookEndpoint(trx, endpointId);
  if (!endpoint || (ctx.caller.kind !== 'ADMIN' && ctx.caller.tenant?.companyId !== endpoint.company_id)) {
    assertCan(ctx.caller, 'webhooks:manage', ctx.caller.tenant?.companyId);
    failWith(['input', 'endpointId'], `No webhook endpoint ${endpointId}`, 'NOT_FOUND');
  }
  assertCan(ctx.caller, 'webhooks:manage', endpoint.company_id);
  return endpoint;
}

export const webhookResolvers: Resolvers = {
  Query: {
    publicEventTypes: () => [...PUBLIC_EVENT_TYPES],
    webhookEndpoints: (_parent, { companyId }, ctx) => {
      assertCan(ctx.caller, 'webhooks:manage', companyId);
      return listWebhookEndpoints(ctx.deps.controlPlane, [companyId]);
    },
    webhookDeliveries: async (_parent, { endpointId, first, after }, ctx) => {
      // Another company's endpoint reads as one with no deliveries, like a missing one: ids must not leak.
      const found = await findWebhookEndpoint(ctx.deps.controlPlane, endpointId);
      const endpoint = found && (ctx.caller.kind === 'ADMIN' || found.company_id === ctx.caller.tenant?.companyId) ? found : undefined;
      assertCan(ctx.caller, 'webhooks:manage', endpoint?.company_id ?? ctx.caller.tenant?.companyId);
      const id = endpointId;
      return paginate(
        { first, after },
        {
          cursorShape: ['integer'],
          fetch: (page) => (endpoint ? listDeliveryAttempts(ctx.deps.controlPlane, id, page) : Promise.resolve([])),
          cursorOf: (a) => [Number(a.id)],
          count: () => (endpoint ? countDeliveryAttempts(ctx.deps.controlPlane, id) : Promise.resolve(0)),
        },
      );
    },
  },
  Mutation: {
    createWebhookEndpoint: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'webhooks:manage', input.companyId);
      return runAccessMutation(ctx, 'createWebhookEndpoint', (trx, actor) => webhooks.createWebhookEndpoint(trx, input, policyOf(ctx), actor));
    },
    updateWebhookEndpoint: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'updateWebhookEndpoint', async (trx, actor) => ({
        endpoint: await webhooks.updateWebhookEndpoint(trx, await manageable(ctx, trx, input.endpointId), input, policyOf(ctx), actor),
      })),
    rotateWebhookSecret: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'rotateWebhookSecret', async (trx, actor) =>
        webhooks.rotateWebhookSecret(trx, await manageable(ctx, trx, input.endpointId), input.overlapHours, actor),
      ),
    deleteWebhookEndpoint: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'deleteWebhookEndpoint', async (trx, actor) => ({
        deletedEndpointId: await webhooks.deleteWebhookEndpoint(trx, await manageable(ctx, trx, input.endpointId), actor),
      })),
    enableWebhookEndpoint: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'enableWebhookEndpoint', async (trx, actor) => ({
        endpoint: await webhooks.enableWebhookEndpoint(trx, await manageable(ctx, trx, input.endpointId), actor),
      })),
    redeliverWebhook: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'redeliverWebhook', async (trx, actor) => ({
        eventId: await webhooks.redeliverWebhook(trx, await manageable(ctx, trx, input.endpointId), input, actor),
      })),
    pingWebhookEndpoint: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'pingWebhookEndpoint', async (trx, actor) => ({
        eventId: await webhooks.pingWebhookEndpoint(trx, await manageable(ctx, trx, input.endpointId), actor),
      })),
  },
  WebhookEndpoint: {
    eventTypes: (e) => e.event_types,
    disabledAt: (e) => e.disabled_at,
    disabledReason: (e) => e.disabled_reason,
    consecutiveFailures: (e) => e.consecutive_failures,
    failingSince: (e) => e.failing_since,
    previousSecretExpiresAt: (e) => (e.previous_secret_expires_at && e.previous_secret_expires_at > new Date() ? e.previous_secret_expires_at : null),
    createdAt: (e) => e.created_at,
  },
  WebhookDeliveryAttempt: {
    deliveryId: (a) => a.delivery_id,
    eventId: (a) => a.event_id,
    statusCode: (a) => a.status_code,
    latencyMs: (a) => a.latency_ms,
    responseBody: (a) => a.response_body,
    nextAttemptAt: (a) => a.next_attempt_at,
  },
};

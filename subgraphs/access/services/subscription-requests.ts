import type { ControlPlaneExecutor, SubscriptionRequestRow } from '../../../platform/control-plane';
import { generateSecret, hashSecret, isSecretShaped } from '../../../platform/session-token';
import type { Actor } from '../../kit/actor';
import { failWith } from '../../kit/errors';
import { validOrRefuse } from '../../kit/validation';
import { actorLabel } from '../deps';
import { validateSubscriptionRequest, type SubscriptionRequestInput } from '../domain/subscription';
import type { ControlPlaneTransaction } from '../mutation';
import { findCompanyByRequest } from '../store/companies';
import { findPlan } from '../store/plans';
import { findSubscriptionRequest, findSubscriptionRequestByStatusToken, insertSubscriptionRequest, markRejected } from '../store/subscription-requests';

export async function requestSubscription(
  trx: ControlPlaneTransaction,
  input: SubscriptionRequestInput,
  actor: Actor,
): Promise<{ request: SubscriptionRequestRow; statusToken: string }> {
  const plan = input.planCode ? await findPlan(trx, input.planCode) : null;
  const valid = validOrRefuse(validateSubscriptionRequest(input, plan));
  const status = generateSecret('rs');
  const request = await insertSubscriptionRequest(trx, {
    company_name: valid.companyName,
    contact_email: valid.contactEmail,
    modules: valid.modules,
    plan_code: valid.planCode,
    status_token_hash: status.hash,
  });
  actor.audit({ entity: 'subscription_request', entityId: request.id, after: valid });
  return { request, statusToken: status.token };
}

/**
 * The request a requester's status token names, or null. A token that cannot
 * be one is refused before the database is asked; a well-formed unknown one
 * costs the same single indexed lookup as a real one.
 */
export async function subscriptionRequestByStatusToken(db: ControlPlaneExecutor, token: string): Promise<SubscriptionRequestRow | null> {
  if (!isSecretShaped(token, 'rs')) return null;
  return (await findSubscriptionRequestByStatusToken(db, hashSecret(token))) ?? null;
}

export interface RejectionInput {
  requestId: string;
  reason?: string | null;
}

export async function rejectSubscriptionRequest(
  trx: ControlPlaneTransaction,
  input: RejectionInput,
  actor: Actor,
): Promise<{ request: SubscriptionRequestRow }> {
  const { requestId } = input;
  const request = await findSubscriptionRequest(trx, requestId, { forUpdate: true });
  if (!request) failWith('input.requestId', `No subscription request ${requestId}`, 'NOT_FOUND');
  if (request.status === 'APPROVED') failWith('input.requestId', 'An approved request cannot be rejected', 'ALREADY_APPROVED');
  if (request.status === 'REJECTED') failWith('input.requestId', 'This request is already rejected', 'ALREADY_REJECTED');
  if (await findCompanyByRequest(trx, requestId)) {
    failWith('input.requestId', 'Provisioning of this request has started; approve it again to finish', 'PROVISIONING_STARTED');
  }
  const rejected = await markRejected(trx, requestId, actorLabel(actor), input.reason?.trim() || null);
  actor.audit({
    entity: 'subscription_request',
    entityId: requestId,
    before: { status: 'PENDING' },
    after: { status: 'REJECTED', reason: rejected.rejection_reason },
  });
  return { request: rejected };
}

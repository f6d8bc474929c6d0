import type { SubscriptionRequestRow } from '../../../platform/control-plane';
import { failWith, UserErrorsException } from '../../kit/errors';
import { actorLabel, type AccessDeps, type Actor } from '../deps';
import { validateSubscriptionRequest, type SubscriptionRequestInput } from '../domain/subscription';
import { writeGlobalAudit } from '../store/audit';
import { findCompanyByRequest } from '../store/companies';
import { findPlan } from '../store/plans';
import { findSubscriptionRequest, insertSubscriptionRequest, markRejected } from '../store/subscription-requests';

export async function requestSubscription(deps: AccessDeps, input: SubscriptionRequestInput, actor: Actor): Promise<SubscriptionRequestRow> {
  const plan = input.planCode ? await findPlan(deps.controlPlane, input.planCode) : null;
  const checked = validateSubscriptionRequest(input, plan);
  if (!checked.ok) throw new UserErrorsException(checked.userErrors);
  return deps.controlPlane.transaction().execute(async (trx) => {
    const request = await insertSubscriptionRequest(trx, {
      company_name: checked.value.companyName,
      contact_email: checked.value.contactEmail,
      modules: checked.value.modules,
      plan_code: checked.value.planCode,
    });
    await writeGlobalAudit(trx, [
      { actorKind: actor.kind, actorId: actor.id, requestId: actor.requestId, operation: 'requestSubscription', entity: 'subscription_request', entityId: request.id, after: checked.value },
    ]);
    return request;
  });
}

export async function rejectSubscriptionRequest(deps: AccessDeps, requestId: string, reason: string | null, actor: Actor): Promise<SubscriptionRequestRow> {
  return deps.controlPlane.transaction().execute(async (trx) => {
    const request = await findSubscriptionRequest(trx, requestId, { forUpdate: true });
    if (!request) failWith('input.requestId', `No subscription request ${requestId}`, 'NOT_FOUND');
    if (request.status === 'APPROVED') failWith('input.requestId', 'An approved request cannot be rejected', 'ALREADY_APPROVED');
    if (request.status === 'REJECTED') failWith('input.requestId', 'This request is already rejected', 'ALREADY_REJECTED');
    if (await findCompanyByRequest(trx, requestId)) {
      failWith('input.requestId', 'Provisioning of this request has started; approve it again to finish', 'PROVISIONING_STARTED');
    }
    const rejected = await markRejected(trx, requestId, actorLabel(actor), reason?.trim() || null);
    await writeGlobalAudit(trx, [
      { actorKind: actor.kind, actorId: actor.id, requestId: actor.requestId, operation: 'rejectSubscriptionRequest', entity: 'subscription_request', entityId: requestId, before: { status: 'PENDING' }, after: { status: 'REJECTED', reason: rejected.rejection_reason } },
    ]);
    return rejected;
  });
}

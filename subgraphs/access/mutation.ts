import type { ControlPlane, ControlPlaneDB } from '../../platform/control-plane';
import type { Transaction } from 'kysely';
import { actorOf, RecordingActor, type Actor, type ActorIdentity } from '../kit/actor';
import { withUserErrors, type UserError } from '../kit/errors';
import type { AccessContext } from './context';
import { writeGlobalAudit } from './store/audit';

export type ControlPlaneTransaction = Transaction<ControlPlaneDB>;

/**
 * The control plane's counterpart of the kit's runModuleMutation: one
 * control-plane transaction owns the change and the global audit rows the
 * service recorded through its actor. The control plane has no outbox, so a
 * service of access publishes no events.
 */
export async function inControlPlaneTransaction<R>(
  controlPlane: ControlPlane,
  who: ActorIdentity,
  operation: string,
  work: (trx: ControlPlaneTransaction, actor: Actor) => Promise<R>,
): Promise<R> {
  return controlPlane.transaction().execute(async (trx) => {
    const actor = new RecordingActor(who, operation);
    const result = await work(trx, actor);
    if (actor.events.length > 0) throw new Error(`${operation} published events, but the control plane has no outbox`);
    await writeGlobalAudit(trx, who, actor.audits);
    return result;
  });
}

/** A mutation of the access subgraph, the caller acting: `runAccessMutation(ctx, 'op', (trx, actor) => service(trx, input, actor))`. */
export function runAccessMutation<P extends object>(
  ctx: AccessContext,
  operation: string,
  work: (trx: ControlPlaneTransaction, actor: Actor) => Promise<P>,
): Promise<Partial<P> & { userErrors: UserError[] }> {
  return withUserErrors(() => inControlPlaneTransaction(ctx.deps.controlPlane, actorOf(ctx), operation, work));
}

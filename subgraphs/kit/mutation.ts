import type { Transaction } from 'kysely';
import { moduleSchema, type ModuleName } from '../../platform/modules';
import { publishEvents } from '../../platform/outbox';
import { actorOf, RecordingActor, type Actor, type ActorIdentity } from './actor';
import { writeTenantAudit, type TenantAuditDB } from './audit';
import { withUserErrors, type UserError } from './errors';
import type { ModuleContext } from './module-context';

/**
 * Runs one change of a module as `who` inside the caller's transaction, then
 * writes what the change recorded (audit rows, outbox events) into that same
 * transaction. The owner of the transaction (a resolver through
 * runModuleMutation, the seeder's batch, the relay handing over an event)
 * commits everything together.
 */
export async function actAs<DB, R>(
  trx: Transaction<DB>,
  module: ModuleName,
  who: ActorIdentity,
  operation: string,
  work: (trx: Transaction<DB>, actor: Actor) => Promise<R>,
): Promise<R> {
  const actor = new RecordingActor(who, operation);
  const result = await work(trx, actor);
  await writeTenantAudit(trx as unknown as Transaction<TenantAuditDB>, module, who, actor.audits);
  await publishEvents(trx, moduleSchema(module), actor.events, who.requestId);
  return result;
}

/**
 * Runs a module mutation in one tenant transaction, the caller acting: the
 * change, its audit rows and its outbox events commit together. The module
 * check comes first (a key without the module gets MODULE_NOT_SUBSCRIBED,
 * never userErrors). A UserErrorsException thrown by the work rolls everything
 * back and becomes the payload's userErrors. Resolvers stay one line:
 * `runModuleMutation(ctx, 'op', (trx, actor) => service(trx, input, actor))`.
 */
export async function runModuleMutation<DB, L, P extends object>(
  ctx: ModuleContext<DB, L>,
  operation: string,
  work: (trx: Transaction<DB>, actor: Actor) => Promise<P>,
): Promise<Partial<P> & { userErrors: UserError[] }> {
  const db = ctx.db();
  return withUserErrors(() => db.transaction().execute((trx) => actAs(trx, ctx.module, actorOf(ctx), operation, work)));
}

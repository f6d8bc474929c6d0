import type { Transaction } from 'kysely';
import { moduleSchema, type ModuleName } from '../../platform/modules';
import { publishEvents } from '../../platform/outbox';
import { actorOf, RecordingActor, type Actor, type ActorIdentity } from './actor';
import { writeTenantAudit, type TenantAuditDB } from './audit';
import { userError, withUserErrors, type UserError } from './errors';
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
  try {
    return await withUserErrors(() => db.transaction().execute((trx) => actAs(trx, ctx.module, actorOf(ctx), operation, work)));
  } catch (error) {
    // Inputs are bounded where they are validated; this catches a computed
    // number no rule foresaw. The transaction has rolled back: nothing was written.
    if ((error as { code?: unknown }).code === NUMERIC_VALUE_OUT_OF_RANGE) {
      return { userErrors: [userError(null, 'A computed amount is larger than can be stored; nothing was changed', 'AMOUNT_TOO_LARGE')] } as Partial<P> & {
        userErrors: UserError[];
      };
    }
    throw error;
  }
}

/** PostgreSQL's SQLSTATE for a value outside its column's numeric(p,s). */
const NUMERIC_VALUE_OUT_OF_RANGE = '22003';

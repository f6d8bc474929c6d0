import type { Transaction } from 'kysely';
import { moduleSchema } from '../../platform/modules';
import { writeTenantAudit, type AuditEntry, type TenantAuditDB } from './audit';
import { withUserErrors, type UserError } from './errors';
import { publishEvents, type DomainEvent } from '../../platform/outbox';
import type { ModuleContext } from './module-context';

/** What a mutation's work may record besides its own rows. */
export interface MutationRecorder {
  audit: (entry: AuditEntry) => void;
  publish: (event: DomainEvent) => void;
}

/**
 * Runs a module mutation in one tenant transaction: the change, its audit rows
 * and its outbox events commit together. A UserErrorsException thrown by the
 * work rolls everything back and becomes the payload's userErrors.
 */
export async function runModuleMutation<DB, L, P extends object>(
  ctx: ModuleContext<DB, L>,
  operation: string,
  work: (trx: Transaction<DB>, record: MutationRecorder) => Promise<P>,
): Promise<Partial<P> & { userErrors: UserError[] }> {
  const db = ctx.db();
  return withUserErrors(() =>
    db.transaction().execute(async (trx) => {
      const audits: AuditEntry[] = [];
      const events: DomainEvent[] = [];
      const result = await work(trx, { audit: (e) => audits.push({ ...e, operation: e.operation || operation }), publish: (e) => events.push(e) });
      await writeTenantAudit(trx as unknown as Transaction<TenantAuditDB>, ctx, ctx.module, audits);
      await publishEvents(trx, moduleSchema(ctx.module), events, ctx.requestId);
      return result;
    }),
  );
}

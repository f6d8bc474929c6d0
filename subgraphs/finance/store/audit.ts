import type { AuditEntry } from '../../kit/audit';
import type { FinanceExecutor } from './db';

/**
 * Audit rows for work done on another module's behalf (a consumed event):
 * there is no access key, so the row names the event's request instead.
 */
export async function writeEventAudit(db: FinanceExecutor, requestId: string | null, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit.audit_log')
    .values(
      entries.map((e) => ({
        module: 'FINANCE',
        key_id: null,
        operation: e.operation,
        entity: e.entity,
        entity_id: e.entityId,
        before: e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === undefined ? null : JSON.stringify(e.after),
        request_id: requestId,
      })),
    )
    .execute();
}

import type { ControlPlaneExecutor } from '../../../platform/control-plane';
import type { ActorIdentity } from '../../kit/actor';
import { actorColumns, type AuditEntry } from '../../kit/audit';

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Appends to the control plane's append-only audit log, inside the caller's
 * transaction. Each row names the actor's kind and key (or CLI user), and the
 * person, their e-mail at the time and the credential they came through.
 */
export async function writeGlobalAudit(db: ControlPlaneExecutor, actor: ActorIdentity, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((e) => ({
        actor_kind: actor.kind,
        actor_id: actor.id,
        operation: e.operation,
        entity: e.entity,
        entity_id: e.entityId,
        before: json(e.before),
        after: json(e.after),
        request_id: actor.requestId,
        ...actorColumns(actor),
      })),
    )
    .execute();
}

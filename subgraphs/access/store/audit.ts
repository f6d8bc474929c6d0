import type { ControlPlaneExecutor } from '../../../platform/control-plane';

export interface GlobalAuditEntry {
  actorKind: string;
  actorId: string | null;
  operation: string;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  requestId: string | null;
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/** Appends to the control plane's append-only audit log, inside the caller's transaction. */
export async function writeGlobalAudit(db: ControlPlaneExecutor, entries: GlobalAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((e) => ({
        actor_kind: e.actorKind,
        actor_id: e.actorId,
        operation: e.operation,
        entity: e.entity,
        entity_id: e.entityId,
        before: json(e.before),
        after: json(e.after),
        request_id: e.requestId,
      })),
    )
    .execute();
}

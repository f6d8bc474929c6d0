import type { DeliveredEvent, DomainEvent } from '../../platform/outbox';
import type { AuditEntry } from './audit';
import type { BaseContext } from './context';

/** Who acts on a change: what its audit rows and outbox events record of it. */
export interface ActorIdentity {
  /** The request the change belongs to (a seeding batch's, or the request of the event being handled). */
  requestId: string | null;
  /** The caller's kind: an access key's kind (STANDARD, PARTNER), ADMIN for the operator, CLI, EVENT... */
  kind: string;
  /** Which one of that kind: the access key's id, the operator's user name from the CLI; null when there is none. */
  id: string | null;
  /** The person acting, when a person signed in (or owns the personal token used); absent or null otherwise. */
  userId?: string | null;
}

/** An audit entry as a service records it; without `operation`, the change's operation names it. */
export type AuditRecord = Omit<AuditEntry, 'operation'> & { operation?: string };

/**
 * The third argument of every service, `(trx, input, actor)`: who acts, and
 * where the service records the audit entries and events of its change. The
 * owner of the transaction writes them in that same transaction, so the change,
 * its audit rows and its outbox events commit or roll back together.
 */
export interface Actor extends ActorIdentity {
  audit: (entry: AuditRecord) => void;
  publish: (event: DomainEvent) => void;
}

/** The actor of a request, from its verified gateway context. */
export function actorOf(ctx: BaseContext): ActorIdentity {
  return { requestId: ctx.requestId, kind: ctx.caller.kind, id: ctx.caller.keyId, userId: ctx.caller.user?.id ?? null };
}

/** An Actor that keeps what a service records for the owner of the transaction to write. */
export class RecordingActor implements Actor {
  readonly requestId: string | null;
  readonly kind: string;
  readonly id: string | null;
  readonly userId: string | null;
  readonly audits: AuditEntry[] = [];
  readonly events: DomainEvent[] = [];

  constructor(
    identity: ActorIdentity,
    private readonly operation: string,
  ) {
    this.requestId = identity.requestId;
    this.kind = identity.kind;
    this.id = identity.id;
    this.userId = identity.userId ?? null;
  }

  // Arrow functions: services may pass `actor.publish` on by itself.
  readonly audit = (entry: AuditRecord): void => {
    this.audits.push({ ...entry, operation: entry.operation || this.operation });
  };

  readonly publish = (event: DomainEvent): void => {
    this.events.push(event);
  };
}

/** The actor of a change made on receipt of another module's event: no key, the event's request. */
export function eventActorOf(event: DeliveredEvent): ActorIdentity {
  return { requestId: event.requestId, kind: 'EVENT', id: null };
}

import type { DeliveredEvent, DomainEvent } from '../../platform/outbox';
import type { TenantContext } from '../../platform/tenant-context';
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
  /** That person's e-mail at the time of the change, as the audit keeps it. */
  userEmail?: string | null;
  /** What the actor came through; null when unknown (an anonymous caller). */
  credential?: AuditCredential | null;
  /** The client's address as the gateway saw it; null outside a request. */
  clientAddress?: string | null;
}

/**
 * The credential an audit row says the actor came through. A key is an
 * ACCESS_KEY when it stands for the company, a PERSONAL_TOKEN when a person
 * owns it; SESSION is a signed-in person's access token; OIDC a person the
 * company's identity provider vouched for without a session of ours;
 * ADMIN_TOKEN the operator's bootstrap secret. CLI and EVENT act outside any
 * request: the operator's tooling on the box (CLI, seeder), a change made on
 * receipt of another module's event.
 */
export const AUDIT_CREDENTIALS = ['ACCESS_KEY', 'PERSONAL_TOKEN', 'SESSION', 'OIDC', 'ADMIN_TOKEN', 'CLI', 'EVENT'] as const;
export type AuditCredential = (typeof AUDIT_CREDENTIALS)[number];

/** Which credential a verified caller presented, from what the gateway vouched for. */
export function credentialOf(caller: Pick<TenantContext, 'kind' | 'keyId' | 'user' | 'sessionId'>): AuditCredential | null {
  if (caller.keyId !== null) return caller.user ? 'PERSONAL_TOKEN' : 'ACCESS_KEY';
  if (caller.sessionId !== null) return 'SESSION';
  if (caller.user) return 'OIDC';
  return caller.kind === 'ADMIN' ? 'ADMIN_TOKEN' : null;
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
  const { caller } = ctx;
  return {
    requestId: ctx.requestId,
    kind: caller.kind,
    id: caller.keyId,
    userId: caller.user?.id ?? null,
    userEmail: caller.user?.email ?? null,
    credential: credentialOf(caller),
    clientAddress: caller.clientAddress,
  };
}

/** An Actor that keeps what a service records for the owner of the transaction to write. */
export class RecordingActor implements Actor {
  readonly requestId: string | null;
  readonly kind: string;
  readonly id: string | null;
  readonly userId: string | null;
  readonly userEmail: string | null;
  readonly credential: AuditCredential | null;
  readonly clientAddress: string | null;
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
    this.userEmail = identity.userEmail ?? null;
    this.credential = identity.credential ?? null;
    this.clientAddress = identity.clientAddress ?? null;
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
  return { requestId: event.requestId, kind: 'EVENT', id: null, credential: 'EVENT' };
}

import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { ModuleName } from '../../platform/modules';
import type { DeliveredEvent, DomainEvent, EventConsumer } from '../../platform/outbox';

/**
 * One event type as modules exchange it: who publishes it, what its aggregate
 * is and the schema of its payload. A payload changes only by gaining optional
 * fields; consumers see one aggregate's events in order.
 */
export interface EventContract<Type extends string = string, Payload extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly type: Type;
  /** The one module that publishes it; events of this type from anywhere else are dead-lettered. */
  readonly source: ModuleName;
  readonly aggregateType: string;
  /** The aggregate an event is about, from its payload. (A method, so any contract is an EventContract.) */
  aggregateIdOf(payload: z.infer<Payload>): string;
  readonly payload: Payload;
}

export type PayloadOf<C extends EventContract> = z.infer<C['payload']>;

export function defineEvent<Type extends string, Payload extends z.ZodTypeAny>(contract: EventContract<Type, Payload>): EventContract<Type, Payload> {
  return contract;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
}

/** A publisher built a payload its own contract refuses: a bug to fix, never something to send. */
export class ContractBreachError extends Error {}

/**
 * The one way to build an event for the outbox: typed by the contract and
 * checked against it, so a payload no consumer could parse never leaves its
 * module.
 */
export function buildEvent<C extends EventContract>(contract: C, payload: PayloadOf<C>): DomainEvent<PayloadOf<C>> {
  const parsed = contract.payload.safeParse(payload);
  if (!parsed.success) throw new ContractBreachError(`${contract.source} built a ${contract.type} its contract refuses: ${describeIssues(parsed.error)}`);
  const checked = parsed.data as PayloadOf<C>;
  return { type: contract.type, aggregateType: contract.aggregateType, aggregateId: contract.aggregateIdOf(checked), payload: checked };
}

/** How a consumer handles one event type. */
export interface EventHandler<DB> {
  contract: EventContract;
  handle: (trx: Transaction<DB>, event: DeliveredEvent) => Promise<void>;
}

/**
 * Handles an event type with its payload parsed by the contract's schema. A
 * payload that does not parse is a broken contract: the handler throws, the
 * relay retries and finally dead-letters it where an operator sees it.
 */
export function on<C extends EventContract, DB>(
  contract: C,
  apply: (trx: Transaction<DB>, payload: PayloadOf<C>, event: DeliveredEvent) => Promise<void>,
): EventHandler<DB> {
  return { contract, handle: (trx, event) => apply(trx, contract.payload.parse(event.payload) as PayloadOf<C>, event) };
}

/**
 * A module's consumer of other modules' events. It accepts each event type
 * only from the module its contract names as publisher: the relay dead-letters
 * an event from anywhere else before any consumer sees it.
 */
export function consumerOf<DB>(module: ModuleName, handlers: ReadonlyArray<EventHandler<DB>>): EventConsumer {
  const byType = new Map(handlers.map((h) => [h.contract.type, h]));
  return {
    module,
    accepts: Object.fromEntries(handlers.map((h) => [h.contract.type, h.contract.source])),
    handle: async (trx, event) => {
      const handler = byType.get(event.type);
      if (!handler) throw new Error(`${module} has no handler for ${event.type}`);
      await handler.handle(trx as Transaction<DB>, event);
    },
  };
}

import type { Transaction } from 'kysely';
import type { ModuleName } from '../../platform/modules';
import type { Actor, ActorIdentity } from '../../subgraphs/kit/actor';
import { UserErrorsException, type UserError } from '../../subgraphs/kit/errors';
import { actAs } from '../../subgraphs/kit/mutation';

export interface BatchScope {
  /** Recorded on every audit row and outbox event of the run; each batch adds its own suffix. */
  requestId: string;
  /** The date mutations take as today (contract status, default effective dates). */
  today: string;
}

/** A mutation of the seed was refused: the plan and the module's rules disagree, which is a bug in the seeder. */
export class SeedMutationRefused extends Error {
  constructor(operation: string, subject: string, userErrors: UserError[]) {
    super(`${operation} refused for ${subject}: ${userErrors.map((e) => `${e.message} (${e.code}${e.field ? ` at ${e.field.join('.')}` : ''})`).join('; ')}`);
  }
}

/**
 * One seeding transaction of a module. Services take the caller's transaction
 * (`(trx, input, actor)`), so each step is a module mutation run inside the
 * batch's: its rows, audit rows and outbox events commit with the batch, and
 * a batch of fifty hires is one commit rather than fifty. A refused step
 * throws SeedMutationRefused, which rolls the whole batch back.
 */
export class SeedBatch<DB> {
  /**
   * The seeding run acts as the operator inside the company's tenant: audit
   * rows carry no key and no person, the batch's request id, and CLI as the
   * credential (the operator's tooling on the box, not a request).
   */
  private readonly who: ActorIdentity;

  constructor(
    private readonly trx: Transaction<DB>,
    private readonly module: ModuleName,
    requestId: string,
  ) {
    this.who = { requestId, kind: 'ADMIN', id: null, credential: 'CLI' };
  }

  async run<R>(operation: string, subject: string, step: (trx: Transaction<DB>, actor: Actor) => Promise<R>): Promise<R> {
    try {
      return await actAs(this.trx, this.module, this.who, operation, step);
    } catch (error) {
      if (error instanceof UserErrorsException) throw new SeedMutationRefused(operation, subject, error.userErrors);
      throw error;
    }
  }
}

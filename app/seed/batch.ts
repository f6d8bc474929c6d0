import type { Kysely, Transaction } from 'kysely';
import { createAssetsLoaders, type AssetsContext } from '../../subgraphs/assets/context';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import { createEmployeesLoaders, type EmployeesContext } from '../../subgraphs/employees/context';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { requireModule, type BaseContext } from '../../subgraphs/kit/context';
import type { UserError } from '../../subgraphs/kit/errors';
import type { Logger } from '../../platform/logger';
import type { TenantRef } from '../../platform/tenant-context';

/**
 * A database handle over an open transaction whose `transaction()` joins that
 * transaction instead of opening another. Module mutations open theirs with
 * `ctx.db().transaction()` (runModuleMutation); given this handle, each
 * mutation's rows, audit rows and outbox events commit with the seeding batch,
 * so a batch of fifty hires is one commit rather than fifty.
 */
function joinedTransaction<DB>(trx: Transaction<DB>): Kysely<DB> {
  const joined = { execute: <T>(work: (t: Transaction<DB>) => Promise<T>): Promise<T> => work(trx) };
  return new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') return () => joined;
      const value: unknown = Reflect.get(target, property, target);
      // Kysely's classes keep their state in private fields, reachable only with the real object as `this`.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface BatchScope {
  tenant: TenantRef;
  /** Recorded on every audit row and outbox event of the batch. */
  requestId: string;
  /** The date mutations take as today (contract status, default effective dates). */
  today: string;
  logger: Logger;
}

/** The seeding run acts as the operator inside the company's tenant: audit rows carry no key, and the request id of the batch. */
function baseContext(scope: BatchScope): BaseContext {
  return {
    requestId: scope.requestId,
    caller: { requestId: scope.requestId, kind: 'ADMIN', keyId: null, tenant: scope.tenant, modules: scope.tenant.companyModules },
    logger: scope.logger.child({ requestId: scope.requestId }),
  };
}

/** The employees module's context, as a request would have it, over the batch's transaction. */
export function employeesContext(trx: Transaction<EmployeesDB>, scope: BatchScope): EmployeesContext {
  const base = baseContext(scope);
  const db = () => joinedTransaction(trx);
  return { ...base, module: 'EMPLOYEES', tenant: () => requireModule(base, 'EMPLOYEES'), db, granted: true, loaders: createEmployeesLoaders(db, scope.today), today: scope.today };
}

export function assetsContext(trx: Transaction<AssetsDB>, scope: BatchScope): AssetsContext {
  const base = baseContext(scope);
  const db = () => joinedTransaction(trx);
  return { ...base, module: 'ASSETS', tenant: () => requireModule(base, 'ASSETS'), db, granted: true, loaders: createAssetsLoaders(db) };
}

/** A mutation of the seed was refused: the plan and the module's rules disagree, which is a bug in the seeder. */
export class SeedMutationRefused extends Error {
  constructor(operation: string, subject: string, userErrors: UserError[]) {
    super(`${operation} refused for ${subject}: ${userErrors.map((e) => `${e.message} (${e.code}${e.field ? ` at ${e.field.join('.')}` : ''})`).join('; ')}`);
  }
}

/** The payload's fields, or a SeedMutationRefused that rolls the whole batch back. */
export function accepted<P extends object>(payload: Partial<P> & { userErrors: UserError[] }, operation: string, subject: string): P {
  if (payload.userErrors.length > 0) throw new SeedMutationRefused(operation, subject, payload.userErrors);
  return payload as P;
}

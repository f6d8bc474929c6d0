import { isOperatorForCompany, type BaseContext } from '../context';
import { forbidden } from '../errors';
import { can } from '../permissions';
import { listDefinitions, type CustomFieldTables, type Executor } from './store';
import type { CustomFieldDefinition } from './types';

/**
 * Whether the caller may see a field and its values: its read permission, when it names one. The operator acting
 * for a company sees the definitions its signed grant reads (it reaches no record, so no value).
 */
export function canReadField(ctx: BaseContext, def: Pick<CustomFieldDefinition, 'readPermission'>): boolean {
  if (def.readPermission === null) return true;
  if (isOperatorForCompany(ctx)) return ctx.caller.grants.permissions.includes(def.readPermission);
  return can(ctx, def.readPermission);
}

/** One request's view of an entity's definitions: read once, on first need, then shared by every resolver of the request. */
export interface RequestCustomFields {
  /** Every definition, archived and hidden ones included (for writes, which check visibility themselves). */
  all: () => Promise<CustomFieldDefinition[]>;
  /** The definitions the caller may read, archived ones included. */
  readable: () => Promise<CustomFieldDefinition[]>;
  canRead: (def: CustomFieldDefinition) => boolean;
}

export function requestCustomFields(ctx: BaseContext, db: () => Executor, tables: CustomFieldTables): RequestCustomFields {
  let all: Promise<CustomFieldDefinition[]> | undefined;
  const load = () => (all ??= listDefinitions(db(), tables));
  const canRead = (def: CustomFieldDefinition) => canReadField(ctx, def);
  return { all: load, readable: async () => (await load()).filter(canRead), canRead };
}

/**
 * Checks the company a definition change names (`input.companyId`) against the one the gateway signed: the
 * operator must name the company it chose with X-Fluxo-Company, and a company credential may name only its own.
 */
export function checkNamedCompany(ctx: BaseContext, companyId: string | null | undefined): void {
  const signed = ctx.caller.tenant?.companyId;
  if (companyId === null || companyId === undefined) {
    if (isOperatorForCompany(ctx)) throw forbidden('The operator names the company it acts for in input.companyId too, as in X-Fluxo-Company');
    return;
  }
  if (signed === undefined || companyId !== signed) throw forbidden('input.companyId is not the company this credential acts for');
}

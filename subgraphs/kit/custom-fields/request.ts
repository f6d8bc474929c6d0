import type { BaseContext } from '../context';
import { can } from '../permissions';
import { listDefinitions, type CustomFieldTables, type Executor } from './store';
import type { CustomFieldDefinition } from './types';

/** Whether the caller may see a field and its values: its read permission, when it names one. */
export function canReadField(ctx: BaseContext, def: Pick<CustomFieldDefinition, 'readPermission'>): boolean {
  return def.readPermission === null || can(ctx, def.readPermission);
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

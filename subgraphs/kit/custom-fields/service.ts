import type { Actor } from '../actor';
import { failWith } from '../errors';
import { InputProblems, validOrRefuse } from '../validation';
import { convertValue, reshapesValues } from './conversion';
import { applyChange, checkDefinition, type ChangeInput, type DefineInput } from './definition';
import {
  archiveDefinition,
  findDefinitionForUpdate,
  insertDefinition,
  listDefinitions,
  rebuildIndexes,
  rewriteValues,
  updateDefinition,
  valuesOf,
  type CustomFieldTables,
  type Executor,
} from './store';
import { MAX_DEFINITIONS, type CustomFieldDefinition, type CustomFieldValueInput, type StoredValue, type StoredValues } from './types';
import { announcedValues, checkValues } from './values';

/** How many blocking rows a refused change names. */
const NAMED_BLOCKERS = 20;

/** Defines a field; its indexes are built in the same transaction, so a filterable field is indexed from its first value. */
export async function defineCustomField(
  trx: Executor,
  tables: CustomFieldTables,
  input: DefineInput,
  actor: Actor,
): Promise<{ definition: CustomFieldDefinition }> {
  const shape = validOrRefuse(checkDefinition(input));
  const existing = await listDefinitions(trx, tables);
  if (existing.length >= MAX_DEFINITIONS) failWith('input', `At most ${MAX_DEFINITIONS} custom fields per entity, archived ones included`, 'TOO_MANY_FIELDS');
  const definition = await insertDefinition(trx, tables, shape);
  if (!definition) failWith('input.key', `A custom field ${shape.key} exists already (perhaps archived)`, 'KEY_TAKEN');
  await rebuildIndexes(trx, tables, definition);
  actor.audit({ entity: 'custom_field_definition', entityId: definition.id, after: definition });
  return { definition };
}

/**
 * Changes a field. A label, description, help text, rules or visibility
 * change freely. A type or options change rewrites the stored values that
 * convert (conversion.ts) and is refused, naming the rows, when any does
 * not: CUSTOM_FIELD_VALUES_BLOCK_CHANGE.
 */
export async function changeCustomField(
  trx: Executor,
  tables: CustomFieldTables,
  input: ChangeInput,
  actor: Actor,
  entityName: string,
): Promise<{ definition: CustomFieldDefinition }> {
  const current = await findDefinitionForUpdate(trx, tables, String(input.key));
  if (!current) failWith('input.key', `No custom field ${JSON.stringify(String(input.key).slice(0, 100))}`, 'NOT_FOUND');
  if (current.archivedAt !== null) failWith('input.key', `${current.key} is archived`, 'CUSTOM_FIELD_ARCHIVED');
  const next = validOrRefuse(checkDefinition(applyChange(current, input)));
  if (reshapesValues(current, next)) {
    const rows = await valuesOf(trx, tables, current.key);
    const converted: Array<{ id: string; value: StoredValue | null }> = [];
    const blocking: string[] = [];
    for (const row of rows) {
      const result = convertValue(row.value, current, next);
      if (!result.ok) blocking.push(row.id);
      else if (JSON.stringify(result.value) !== JSON.stringify(row.value)) converted.push({ id: row.id, value: result.value });
    }
    if (blocking.length > 0) {
      const named = blocking.slice(0, NAMED_BLOCKERS).join(', ');
      const more = blocking.length > NAMED_BLOCKERS ? ` and ${blocking.length - NAMED_BLOCKERS} more` : '';
      const what = current.type !== next.type ? `${current.type} to ${next.type}` : 'these options';
      failWith(
        current.type !== next.type ? 'input.type' : 'input.options',
        `${blocking.length} ${entityName} value(s) of ${current.key} do not convert to ${what}: ${named}${more}`,
        'CUSTOM_FIELD_VALUES_BLOCK_CHANGE',
      );
    }
    await rewriteValues(trx, tables, current.key, converted);
  }
  const definition = await updateDefinition(trx, tables, current.id, next);
  if (current.type !== next.type || current.filterable !== next.filterable || current.searchable !== next.searchable)
    await rebuildIndexes(trx, tables, definition);
  actor.audit({ entity: 'custom_field_definition', entityId: current.id, before: current, after: definition });
  return { definition };
}

/** Archives a field: it takes no more values, its indexes go, and its values stay readable (customFields(includeArchived: true)). */
export async function archiveCustomField(
  trx: Executor,
  tables: CustomFieldTables,
  input: { key: string },
  actor: Actor,
): Promise<{ definition: CustomFieldDefinition }> {
  const current = await findDefinitionForUpdate(trx, tables, String(input.key));
  if (!current) failWith('input.key', `No custom field ${JSON.stringify(String(input.key).slice(0, 100))}`, 'NOT_FOUND');
  if (current.archivedAt !== null) failWith('input.key', `${current.key} is archived already`, 'CUSTOM_FIELD_ARCHIVED');
  const definition = await archiveDefinition(trx, tables, current.id);
  await rebuildIndexes(trx, tables, definition, false);
  actor.audit({ entity: 'custom_field_definition', entityId: current.id, before: { archivedAt: null }, after: { archivedAt: definition.archivedAt } });
  return { definition };
}

/**
 * The custom fields of an entity's create or update, checked in the write's
 * transaction against the definitions (read FOR SHARE: a definition change
 * waits for this write and this write for it). `employeesExist` confirms the
 * ids of employee references, all in one query. Problems are added to `p`.
 * `announced` gives the values the write's event carries (announcedValues).
 */
export async function checkCustomFieldWrite(
  trx: Executor,
  tables: CustomFieldTables,
  write: {
    inputs: readonly CustomFieldValueInput[] | null | undefined;
    current: StoredValues;
    mode: 'create' | 'update';
    readable: (def: CustomFieldDefinition) => boolean;
    employeesExist: (ids: string[]) => Promise<Set<string>>;
  },
  p: InputProblems,
): Promise<{ values: StoredValues; changed: string[]; announced: () => StoredValues }> {
  const inputs = write.inputs ?? [];
  if (inputs.length === 0 && write.mode === 'update') return { values: write.current, changed: [], announced: () => ({}) };
  const definitions = await listDefinitions(trx, tables, { lock: true });
  const checked = checkValues(definitions, inputs, write.current, write.mode, write.readable, p);
  if (checked.references.length > 0) {
    const found = await write.employeesExist([...new Set(checked.references.map((r) => r.id))]);
    for (const r of checked.references) if (!found.has(r.id)) p.add(['input', 'customFields', r.key], `No employee ${r.id}`, 'NOT_FOUND');
  }
  return { values: checked.values, changed: checked.changed, announced: () => announcedValues(definitions, checked.values) };
}

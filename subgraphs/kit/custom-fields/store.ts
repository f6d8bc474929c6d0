import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Permission } from '../../../platform/permissions';
import type { DefinitionShape } from './definition';
import type { CustomFieldDefinition, CustomFieldOption, CustomFieldRules, CustomFieldType, StoredValue } from './types';

/**
 * Where one entity's custom fields live in a module's schema: the definitions
 * table, the entity table with its `custom_fields` column, and the function
 * that (re)builds a definition's indexes (the module's migration creates all three).
 */
export interface CustomFieldTables {
  schema: string;
  entityTable: string;
}

// The kit reaches a module's tables through raw SQL on the module's own handle: any executor will do.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Executor = Kysely<any> | Transaction<any>;

interface DefinitionRow {
  id: string;
  key: string;
  label: string;
  description: string | null;
  help_text: string | null;
  type: CustomFieldType;
  required: boolean;
  default_value: StoredValue | null;
  options: CustomFieldOption[];
  validation: CustomFieldRules;
  searchable: boolean;
  filterable: boolean;
  read_permission: Permission | null;
  position: number;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
}

const definitions = (t: CustomFieldTables) => sql.table(`${t.schema}.custom_field_definition`);
const entities = (t: CustomFieldTables) => sql.table(`${t.schema}.${t.entityTable}`);

function fromRow(r: DefinitionRow): CustomFieldDefinition {
  return {
    id: r.id,
    key: r.key,
    label: r.label,
    description: r.description,
    helpText: r.help_text,
    type: r.type,
    required: r.required,
    defaultValue: r.default_value,
    options: r.options,
    validation: r.validation,
    searchable: r.searchable,
    filterable: r.filterable,
    readPermission: r.read_permission,
    position: r.position,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    archivedAt: r.archived_at,
  };
}

/**
 * Every definition, archived ones included, in the order forms show them.
 * `lock` (FOR SHARE) is taken by writes of values: a definition's change
 * waits for them, and they for it, so no value of the old shape is written
 * after its values were converted.
 */
export async function listDefinitions(db: Executor, t: CustomFieldTables, options: { lock?: boolean } = {}): Promise<CustomFieldDefinition[]> {
  const lock = options.lock ? sql`FOR SHARE` : sql``;
  const { rows } = await sql<DefinitionRow>`SELECT * FROM ${definitions(t)} ORDER BY position, key ${lock}`.execute(db);
  return rows.map(fromRow);
}

export async function findDefinitionForUpdate(db: Executor, t: CustomFieldTables, key: string): Promise<CustomFieldDefinition | undefined> {
  const { rows } = await sql<DefinitionRow>`SELECT * FROM ${definitions(t)} WHERE key = ${key} FOR UPDATE`.execute(db);
  return rows[0] && fromRow(rows[0]);
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

export async function insertDefinition(db: Executor, t: CustomFieldTables, d: DefinitionShape): Promise<CustomFieldDefinition | undefined> {
  const { rows } = await sql<DefinitionRow>`
    INSERT INTO ${definitions(t)} (key, label, description, help_text, type, required, default_value, options, validation, searchable, filterable, read_permission, position)
    VALUES (${d.key}, ${d.label}, ${d.description}, ${d.helpText}, ${d.type}, ${d.required}, ${json(d.defaultValue)}::jsonb, ${json(d.options)}::jsonb,
            ${json(d.validation)}::jsonb, ${d.searchable}, ${d.filterable}, ${d.readPermission},
            (SELECT coalesce(max(position), 0) + 1 FROM ${definitions(t)}))
    ON CONFLICT (key) DO NOTHING
    RETURNING *`.execute(db);
  return rows[0] && fromRow(rows[0]);
}

export async function updateDefinition(db: Executor, t: CustomFieldTables, id: string, d: DefinitionShape): Promise<CustomFieldDefinition> {
  const { rows } = await sql<DefinitionRow>`
    UPDATE ${definitions(t)} SET label = ${d.label}, description = ${d.description}, help_text = ${d.helpText}, type = ${d.type},
      required = ${d.required}, default_value = ${json(d.defaultValue)}::jsonb, options = ${json(d.options)}::jsonb,
      validation = ${json(d.validation)}::jsonb, searchable = ${d.searchable}, filterable = ${d.filterable},
      read_permission = ${d.readPermission}, updated_at = now()
    WHERE id = ${id} RETURNING *`.execute(db);
  return fromRow(rows[0]!);
}

export async function archiveDefinition(db: Executor, t: CustomFieldTables, id: string): Promise<CustomFieldDefinition> {
  const { rows } = await sql<DefinitionRow>`UPDATE ${definitions(t)} SET archived_at = now(), updated_at = now() WHERE id = ${id} RETURNING *`.execute(db);
  return fromRow(rows[0]!);
}

/** Builds (or drops) the definition's indexes, through the module's function (see its migration). */
export async function rebuildIndexes(
  db: Executor,
  t: CustomFieldTables,
  d: Pick<CustomFieldDefinition, 'key' | 'type' | 'filterable' | 'searchable'>,
  active = true,
) {
  const fn = sql.raw(`${t.schema}.custom_field_indexes`);
  await sql`SELECT ${fn}(${d.key}, ${d.type}, ${active && d.filterable}, ${active && d.searchable})`.execute(db);
}

/** The rows holding a value of `key`, locked: a change of the definition rewrites them. */
export async function valuesOf(db: Executor, t: CustomFieldTables, key: string): Promise<Array<{ id: string; value: StoredValue }>> {
  const { rows } = await sql<{ id: string; value: StoredValue }>`
    SELECT id, custom_fields -> ${key} AS value FROM ${entities(t)} WHERE custom_fields ? ${key} ORDER BY id FOR UPDATE`.execute(db);
  return rows;
}

/** Rewrites `key` of many rows in one statement; a null value removes the key. */
export async function rewriteValues(db: Executor, t: CustomFieldTables, key: string, changes: ReadonlyArray<{ id: string; value: StoredValue | null }>) {
  if (changes.length === 0) return;
  const ids = changes.map((c) => c.id);
  const values = changes.map((c) => (c.value === null ? null : JSON.stringify(c.value)));
  await sql`
    UPDATE ${entities(t)} AS e
    SET custom_fields = CASE WHEN v.value IS NULL THEN e.custom_fields - ${key} ELSE jsonb_set(e.custom_fields, ARRAY[${key}], v.value) END
    FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${values}::jsonb[]) AS value) AS v
    WHERE e.id = v.id`.execute(db);
}

/** A cast that gives null for a text it cannot read, with the index's own pattern (the migrations' custom_field_indexes). */
function castOrNull(k: RawBuilder<unknown>, pattern: string, type: 'bigint' | 'numeric' | 'boolean'): RawBuilder<unknown> {
  return sql`(CASE WHEN (custom_fields ->> ${k}) ~ ${sql.lit(pattern)} THEN (custom_fields ->> ${k})::${sql.raw(type)} END)`;
}

/**
 * The typed expression of a key, written exactly as the index is built, so the planner matches the two. A text that
 * does not cast is null, never an error: an index build also reads row versions a type change has just rewritten.
 */
export function valueExpression(type: CustomFieldType, key: string): RawBuilder<unknown> {
  const k = sql.lit(key);
  switch (type) {
    case 'INTEGER':
      return castOrNull(k, '^-?[0-9]{1,18}$', 'bigint');
    case 'DECIMAL':
      return castOrNull(k, '^-?[0-9]{1,30}([.][0-9]{1,30})?$', 'numeric');
    case 'BOOLEAN':
      return castOrNull(k, '^(true|false)$', 'boolean');
    case 'MULTI_SELECT':
      return sql`(custom_fields -> ${k})`;
    default:
      return sql`(custom_fields ->> ${k})`;
  }
}

import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { badUserInput } from '../errors';
import { containsPattern } from '../search';
import { InputProblems } from '../validation';
import { valueExpression } from './store';
import { checkValue } from './values';
import type { CustomFieldData, CustomFieldDefinition, StoredValue } from './types';

/** One condition of a list's `filter.custom`, as the client gives it: values as text, read in the field's type. */
export interface CustomFieldFilterInput {
  key: string;
  eq?: string | null;
  in?: readonly string[] | null;
  gte?: string | null;
  lte?: string | null;
  contains?: string | null;
}

/** A custom-field condition checked against its definition, ready for SQL. */
export interface CustomCondition {
  definition: CustomFieldDefinition;
  eq?: StoredValue;
  in?: StoredValue[];
  gte?: StoredValue;
  lte?: StoredValue;
  contains?: string;
  /** Only records with a value (a sort by the field lists those). */
  present?: boolean;
}

export const MAX_CUSTOM_CONDITIONS = 5;
const MAX_IN = 100;

/** A filter's text read as a value of the field's type, or a coded refusal. */
function readAs(def: CustomFieldDefinition, raw: string, field: string): StoredValue {
  const data: CustomFieldData = (() => {
    switch (def.type) {
      case 'INTEGER':
        return { integer: /^-?\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN };
      case 'DECIMAL':
        return { decimal: raw };
      case 'DATE':
        return { date: raw };
      case 'BOOLEAN':
        if (raw !== 'true' && raw !== 'false') throw badUserInput(`${def.key} is a BOOLEAN: compare it with "true" or "false"`, field);
        return { boolean: raw === 'true' };
      case 'MULTI_SELECT':
        return { options: [raw] };
      case 'EMPLOYEE_REFERENCE':
        return { employeeId: raw };
      default:
        return { text: raw };
    }
  })();
  const p = new InputProblems();
  // Range rules bound what is written, not what is asked for.
  const value = checkValue({ ...def, validation: {} }, data, [field], p);
  if (value === undefined || value === null)
    throw badUserInput(`${JSON.stringify(raw.slice(0, 100))} is not a value of ${def.key} (${def.type}): ${p.list[0]?.message ?? 'empty'}`, field);
  return Array.isArray(value) ? value[0]! : value;
}

/**
 * Checks `filter.custom` against the definitions the caller may read: an
 * unknown, hidden or archived key, a field that is not filterable (or, for
 * `contains`, not searchable), or a value of the wrong type is BAD_USER_INPUT
 * naming the path. Only indexed fields can be filtered on.
 */
export function customConditions(inputs: readonly CustomFieldFilterInput[] | null | undefined, readable: readonly CustomFieldDefinition[]): CustomCondition[] {
  if (!inputs || inputs.length === 0) return [];
  if (inputs.length > MAX_CUSTOM_CONDITIONS) throw badUserInput(`At most ${MAX_CUSTOM_CONDITIONS} custom-field conditions`, 'filter.custom');
  return inputs.map((input, i) => {
    const at = `filter.custom.${i}`;
    const def = readable.find((d) => d.key === input.key && d.archivedAt === null);
    if (!def) throw badUserInput(`No custom field ${JSON.stringify(String(input.key).slice(0, 100))} to filter on`, `${at}.key`);
    const multi = def.type === 'MULTI_SELECT';
    const given = (['eq', 'in', 'gte', 'lte', 'contains'] as const).filter((op) => input[op] !== null && input[op] !== undefined);
    if (given.length === 0) throw badUserInput('Give eq, in, gte, lte or contains', at);
    const condition: CustomCondition = { definition: def };
    for (const op of given) {
      const field = `${at}.${op}`;
      if (op === 'contains') {
        if (!(def.searchable || (multi && def.filterable))) throw badUserInput(`${def.key} is not searchable`, field);
        condition.contains = multi ? (readAs(def, input.contains!, field) as string) : input.contains!.slice(0, 200);
        continue;
      }
      if (!def.filterable) throw badUserInput(`${def.key} is not filterable`, field);
      if (multi && (op === 'gte' || op === 'lte')) throw badUserInput(`${def.key} is a MULTI_SELECT: use eq, in or contains`, field);
      if (op === 'in') {
        const list = input.in!;
        if (list.length === 0 || list.length > MAX_IN) throw badUserInput(`\`in\` takes 1 to ${MAX_IN} values`, field);
        condition.in = list.map((v, j) => readAs(def, v, `${field}.${j}`));
      } else condition[op] = readAs(def, input[op]!, field);
    }
    return condition;
  });
}

const typedValue = (def: CustomFieldDefinition, v: StoredValue): RawBuilder<unknown> =>
  def.type === 'DECIMAL' ? sql`${v}::numeric` : def.type === 'INTEGER' ? sql`${v}::bigint` : def.type === 'BOOLEAN' ? sql`${v}::boolean` : sql`${v}::text`;

/** The SQL of one condition, on the entity table's `custom_fields`, in the shape its indexes serve. */
export function conditionSql(c: CustomCondition): RawBuilder<SqlBool> {
  const def = c.definition;
  const expr = valueExpression(def.type, def.key);
  const parts: Array<RawBuilder<unknown>> = [];
  if (c.present) parts.push(sql`${expr} IS NOT NULL`);
  if (def.type === 'MULTI_SELECT') {
    const has = (v: StoredValue) => sql`${expr} @> ${JSON.stringify([v])}::jsonb`;
    if (c.eq !== undefined) parts.push(has(c.eq));
    if (c.contains !== undefined) parts.push(has(c.contains));
    if (c.in !== undefined) parts.push(sql`(${sql.join(c.in.map(has), sql` OR `)})`);
  } else {
    if (c.eq !== undefined) parts.push(sql`${expr} = ${typedValue(def, c.eq)}`);
    if (c.in !== undefined) parts.push(sql`${expr} IN (${sql.join(c.in.map((v) => typedValue(def, v)))})`);
    if (c.gte !== undefined) parts.push(sql`${expr} >= ${typedValue(def, c.gte)}`);
    if (c.lte !== undefined) parts.push(sql`${expr} <= ${typedValue(def, c.lte)}`);
    if (c.contains !== undefined) parts.push(sql`${expr} ILIKE ${containsPattern(c.contains)}`);
  }
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

const SORTABLE: ReadonlyArray<CustomFieldDefinition['type']> = ['TEXT', 'LONG_TEXT', 'SELECT', 'INTEGER', 'DECIMAL', 'DATE'];

/**
 * A list's sort by a custom field, checked like a filter: the field must be
 * readable, active and filterable (its index is the value then the list's
 * order, which serves the sort) and of a type with an order.
 */
export function customSort(input: { key: string } | null | undefined, readable: readonly CustomFieldDefinition[]): CustomCondition | null {
  if (!input) return null;
  const def = readable.find((d) => d.key === input.key && d.archivedAt === null);
  if (!def) throw badUserInput(`No custom field ${JSON.stringify(String(input.key).slice(0, 100))} to sort by`, 'sortByCustomField.key');
  if (!def.filterable || !SORTABLE.includes(def.type))
    throw badUserInput(`${def.key} is not a filterable field of a type with an order`, 'sortByCustomField.key');
  return { definition: def, present: true };
}

/** The value a record's cursor carries for a sort by `def`: a number for integers, text otherwise. */
export function sortValueOf(def: CustomFieldDefinition, stored: Record<string, unknown>): string | number {
  const value = stored[def.key];
  return def.type === 'INTEGER' ? Number(value) : String(value);
}

/** The cursor value back as SQL of the field's type, for the keyset comparison; a cursor is client input, checked first. */
export function sortValueSql(def: CustomFieldDefinition, value: string | number): RawBuilder<unknown> {
  const p = new InputProblems();
  const data: CustomFieldData =
    def.type === 'INTEGER'
      ? { integer: Number(value) }
      : def.type === 'DECIMAL'
        ? { decimal: String(value) }
        : def.type === 'DATE'
          ? { date: String(value) }
          : { text: String(value) };
  if (checkValue({ ...def, type: def.type === 'SELECT' ? 'TEXT' : def.type, validation: {} }, data, ['after'], p) == null) {
    throw badUserInput('The cursor given as `after` is not valid for this list', 'after');
  }
  return typedValue(def, value);
}

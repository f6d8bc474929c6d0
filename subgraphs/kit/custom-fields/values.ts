import { isCalendarDate } from '../../../platform/dates';
import { isUuid } from '../../../platform/ids';
import { D } from '../money';
import type { InputProblems } from '../validation';
import {
  DECIMAL_PATTERN,
  INTEGER_RANGE,
  SLOT_OF,
  TEXT_CAP,
  type CustomFieldData,
  type CustomFieldDefinition,
  type CustomFieldValueInput,
  type StoredValue,
  type StoredValues,
} from './types';

const SLOTS: ReadonlyArray<keyof CustomFieldData> = ['text', 'integer', 'decimal', 'date', 'boolean', 'options', 'employeeId'];
const given = (v: unknown) => v !== null && v !== undefined;

/** Compares two values of a field's type: numbers exactly, dates as text (ISO order). */
export function compareAs(type: CustomFieldDefinition['type'], a: string | number, b: string | number): number {
  if (type === 'INTEGER' || type === 'DECIMAL') return new D(a).comparedTo(new D(b));
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * Checks one value against its definition and reports problems at `field`.
 * Returns the value to store, null to clear it, or undefined when it is refused.
 */
export function checkValue(
  def: Pick<CustomFieldDefinition, 'type' | 'options' | 'validation' | 'label'>,
  data: CustomFieldData,
  field: string[],
  p: InputProblems,
): StoredValue | null | undefined {
  const slots = SLOTS.filter((s) => given(data[s]));
  const slot = SLOT_OF[def.type];
  if (slots.length === 0) return null;
  if (slots.length > 1 || slots[0] !== slot) {
    p.add(field, `${def.label} is a ${def.type} field: give its value as \`${slot}\` only`, 'WRONG_VALUE_TYPE');
    return undefined;
  }
  const before = p.list.length;
  const value = checkTyped(def, data, field, p);
  return p.list.length > before ? undefined : value;
}

function checkTyped(
  def: Pick<CustomFieldDefinition, 'type' | 'options' | 'validation' | 'label'>,
  data: CustomFieldData,
  field: string[],
  p: InputProblems,
): StoredValue | undefined {
  const rules = def.validation;
  const inRange = (value: string | number) => {
    if (rules.min != null && compareAs(def.type, value, rules.min) < 0) p.add(field, `${def.label} must be at least ${rules.min}`, 'OUT_OF_RANGE');
    if (rules.max != null && compareAs(def.type, value, rules.max) > 0) p.add(field, `${def.label} must be at most ${rules.max}`, 'OUT_OF_RANGE');
  };
  switch (def.type) {
    case 'TEXT':
    case 'LONG_TEXT': {
      const text = data.text!;
      const length = [...text].length;
      const max = Math.min(rules.maxLength ?? TEXT_CAP[def.type], TEXT_CAP[def.type]);
      if (length > max) p.add(field, `${def.label} takes at most ${max} characters`, 'TOO_LONG');
      else if (length < (rules.minLength ?? 0)) p.add(field, `${def.label} takes at least ${rules.minLength} characters`, 'TOO_SHORT');
      else if (rules.pattern != null && !new RegExp(rules.pattern, 'u').test(text))
        p.add(field, `${def.label} does not have the expected form`, 'PATTERN_MISMATCH');
      return text;
    }
    case 'SELECT': {
      const text = data.text!;
      if (!def.options.some((o) => o.value === text)) p.add(field, `${JSON.stringify(text.slice(0, 100))} is not an option of ${def.label}`, 'INVALID_OPTION');
      return text;
    }
    case 'MULTI_SELECT': {
      const chosen = data.options!;
      const unknown = chosen.filter((v) => !def.options.some((o) => o.value === v));
      if (unknown.length > 0)
        p.add(
          field,
          `Not options of ${def.label}: ${unknown
            .slice(0, 5)
            .map((v) => JSON.stringify(v.slice(0, 100)))
            .join(', ')}`,
          'INVALID_OPTION',
        );
      else if (new Set(chosen).size !== chosen.length) p.add(field, `${def.label} lists an option twice`, 'DUPLICATE_OPTION');
      // Kept in the definition's order, so equal choices are equal JSON.
      return def.options.map((o) => o.value).filter((v) => chosen.includes(v));
    }
    case 'INTEGER': {
      const n = data.integer!;
      if (!Number.isSafeInteger(n) || n < INTEGER_RANGE.min || n > INTEGER_RANGE.max) p.add(field, `${def.label} must be a 32-bit integer`, 'OUT_OF_RANGE');
      else inRange(n);
      return n;
    }
    case 'DECIMAL': {
      const text = data.decimal!;
      if (!DECIMAL_PATTERN.test(text)) {
        p.add(field, `${def.label} must be a decimal with at most 18 digits before the point and 6 after`, 'INVALID_DECIMAL');
        return undefined;
      }
      inRange(text);
      return new D(text).toFixed();
    }
    case 'DATE': {
      const date = data.date!;
      if (!isCalendarDate(date)) p.add(field, `${def.label} must be a date YYYY-MM-DD`, 'INVALID_DATE');
      else inRange(date);
      return date;
    }
    case 'BOOLEAN':
      return data.boolean!;
    case 'EMPLOYEE_REFERENCE': {
      const id = data.employeeId!;
      if (!isUuid(id)) p.add(field, `No employee ${JSON.stringify(id.slice(0, 100))}`, 'NOT_FOUND');
      return id.toLowerCase();
    }
  }
}

/** The values events carry: those of active fields without a read permission (a hidden field stays behind the API). */
export function announcedValues(definitions: readonly CustomFieldDefinition[], values: StoredValues): StoredValues {
  const announced: StoredValues = {};
  for (const def of definitions) {
    if (def.readPermission === null && def.archivedAt === null && Object.prototype.hasOwnProperty.call(values, def.key)) announced[def.key] = values[def.key]!;
  }
  return announced;
}

/** What an entity's write asks of its custom fields, checked; `references` are the employee ids to confirm exist. */
export interface CheckedValues {
  values: StoredValues;
  changed: string[];
  references: Array<{ key: string; id: string }>;
}

/**
 * Checks the custom fields given with an entity's create or update against the
 * tenant's definitions, reporting each problem at ["input", "customFields",
 * key]. `current` is the entity's stored values (empty when creating); the
 * result is the whole object to store. On create, a missing field takes its
 * default, and a required field without one is refused; on update, a required
 * field may not be cleared. A field the caller may not read is as unknown as
 * one never defined (its default still applies; its requirement cannot be met
 * by this caller, so it is not enforced on them).
 */
export function checkValues(
  definitions: readonly CustomFieldDefinition[],
  inputs: readonly CustomFieldValueInput[],
  current: StoredValues,
  mode: 'create' | 'update',
  readable: (def: CustomFieldDefinition) => boolean,
  p: InputProblems,
): CheckedValues {
  const path = (key: string) => ['input', 'customFields', key];
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const values: StoredValues = { ...current };
  const changed: string[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const key = String(input.key).slice(0, 100);
    const def = byKey.get(key);
    if (seen.has(key)) {
      p.add(path(key), `${key} is given twice`, 'DUPLICATE_KEY');
      continue;
    }
    seen.add(key);
    if (!def || !readable(def)) {
      p.add(path(key), `No custom field ${JSON.stringify(key)}`, 'CUSTOM_FIELD_UNKNOWN');
      continue;
    }
    if (def.archivedAt !== null) {
      p.add(path(key), `${def.label} is archived: its values can be read, not written`, 'CUSTOM_FIELD_ARCHIVED');
      continue;
    }
    const value = checkValue(def, input, path(key), p);
    if (value === undefined) continue;
    if (value === null) {
      if (def.required) p.add(path(key), `${def.label} is required`, 'REQUIRED');
      else if (key in values) delete values[key];
      else continue;
    } else {
      if (JSON.stringify(values[key]) === JSON.stringify(value)) continue;
      values[key] = value;
    }
    changed.push(key);
  }
  if (mode === 'create') {
    for (const def of definitions) {
      if (def.archivedAt !== null || seen.has(def.key)) continue;
      if (def.defaultValue !== null) {
        values[def.key] = def.defaultValue;
        changed.push(def.key);
      } else if (def.required && readable(def)) p.add(path(def.key), `${def.label} is required`, 'REQUIRED');
    }
  }
  const references = changed.flatMap((key) => (byKey.get(key)?.type === 'EMPLOYEE_REFERENCE' && key in values ? [{ key, id: values[key] as string }] : []));
  return { values, changed, references };
}

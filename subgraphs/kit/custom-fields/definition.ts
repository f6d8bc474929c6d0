import { isPermission, isReadPermission, type Permission } from '../../../platform/permissions';
import { InputProblems, type Validated } from '../validation';
import { checkValue, compareAs } from './values';
import {
  CUSTOM_FIELD_TYPES,
  DECIMAL_PATTERN,
  KEY_PATTERN,
  TEXT_CAP,
  type CustomFieldData,
  type CustomFieldDefinition,
  type CustomFieldOption,
  type CustomFieldRules,
  type CustomFieldType,
  type StoredValue,
} from './types';
import { isCalendarDate } from '../../../platform/dates';

/** A definition as an admin gives it when defining a field. */
export interface DefineInput {
  key: string;
  label: string;
  description?: string | null;
  helpText?: string | null;
  type: string;
  required?: boolean | null;
  defaultValue?: CustomFieldData | null;
  options?: ReadonlyArray<{ value: string; label?: string | null }> | null;
  validation?: CustomFieldRules | null;
  searchable?: boolean | null;
  filterable?: boolean | null;
  readPermission?: string | null;
}

/** A change: every field but the key optional; a null description, help text, default or permission clears it. */
export type ChangeInput = { [K in Exclude<keyof DefineInput, 'key'>]?: DefineInput[K] | null } & { key: string };

/** The settable part of a definition, checked. */
export type DefinitionShape = Omit<CustomFieldDefinition, 'id' | 'position' | 'createdAt' | 'updatedAt' | 'archivedAt'>;

const OPTIONED: readonly CustomFieldType[] = ['SELECT', 'MULTI_SELECT'];
const RANGED: readonly CustomFieldType[] = ['INTEGER', 'DECIMAL', 'DATE'];
const TEXTUAL: readonly CustomFieldType[] = ['TEXT', 'LONG_TEXT'];
const MAX_OPTIONS = 200;

function text(p: InputProblems, field: string, value: string | null | undefined, name: string, max: number, required = false): string | null {
  if (value === null || value === undefined || value.trim() === '') {
    if (required) p.add(field, `${name} is required`, 'REQUIRED');
    return null;
  }
  if ([...value].length > max) p.add(field, `${name} takes at most ${max} characters`, 'TOO_LONG');
  return value.trim();
}

/**
 * A user-written pattern runs against every value written: a nested
 * quantifier such as (a+)+ can take exponential time, so it is refused.
 */
function patternProblem(pattern: string): string | null {
  if (pattern.length > 200) return 'A pattern takes at most 200 characters';
  try {
    new RegExp(pattern, 'u');
  } catch {
    return 'The pattern is not a valid regular expression';
  }
  if (/\([^)]*[+*}][^)]*\)\s*[+*{]/.test(pattern)) return 'The pattern repeats a repeated group, which can take too long to check';
  return null;
}

function checkRules(p: InputProblems, type: CustomFieldType, rules: CustomFieldRules): CustomFieldRules {
  const field = 'input.validation';
  const out: CustomFieldRules = {};
  const { minLength, maxLength, min, max, pattern } = rules;
  if (minLength != null || maxLength != null || pattern != null) {
    if (!TEXTUAL.includes(type)) p.add(field, 'Length and pattern rules apply to TEXT and LONG_TEXT fields', 'VALIDATION_NOT_ALLOWED');
    else {
      const cap = TEXT_CAP[type as 'TEXT' | 'LONG_TEXT'];
      if (minLength != null && (minLength < 0 || minLength > cap)) p.add(`${field}.minLength`, `minLength must be between 0 and ${cap}`, 'OUT_OF_RANGE');
      if (maxLength != null && (maxLength < 1 || maxLength > cap)) p.add(`${field}.maxLength`, `maxLength must be between 1 and ${cap}`, 'OUT_OF_RANGE');
      if (minLength != null && maxLength != null && minLength > maxLength) p.add(field, 'minLength is above maxLength', 'INVALID_RANGE');
      const problem = pattern != null ? patternProblem(pattern) : null;
      if (problem) p.add(`${field}.pattern`, problem, 'INVALID_PATTERN');
      Object.assign(out, { minLength: minLength ?? null, maxLength: maxLength ?? null, pattern: pattern ?? null });
    }
  }
  if (min != null || max != null) {
    if (!RANGED.includes(type)) p.add(field, 'min and max apply to INTEGER, DECIMAL and DATE fields', 'VALIDATION_NOT_ALLOWED');
    else {
      const valid = (v: string) => (type === 'DATE' ? isCalendarDate(v) : type === 'INTEGER' ? /^-?\d{1,10}$/.test(v) : DECIMAL_PATTERN.test(v));
      for (const [name, v] of [
        ['min', min],
        ['max', max],
      ] as const) {
        if (v != null && !valid(v)) p.add(`${field}.${name}`, `${name} is not a ${type.toLowerCase()}`, 'INVALID_RANGE');
      }
      if (min != null && max != null && valid(min) && valid(max) && compareAs(type, min, max) > 0) p.add(field, 'min is above max', 'INVALID_RANGE');
      Object.assign(out, { min: min ?? null, max: max ?? null });
    }
  }
  return out;
}

function checkOptions(p: InputProblems, type: CustomFieldType, options: DefineInput['options']): CustomFieldOption[] {
  const list = options ?? [];
  if (!OPTIONED.includes(type)) {
    if (list.length > 0) p.add('input.options', 'Only SELECT and MULTI_SELECT fields have options', 'OPTIONS_NOT_ALLOWED');
    return [];
  }
  if (list.length === 0 || list.length > MAX_OPTIONS) p.add('input.options', `A ${type} field needs 1 to ${MAX_OPTIONS} options`, 'INVALID_OPTIONS');
  const out = list.slice(0, MAX_OPTIONS).map((o, i) => ({
    value: text(p, `input.options.${i}.value`, o.value, 'An option value', 100, true) ?? '',
    label: text(p, `input.options.${i}.label`, o.label ?? o.value, 'An option label', 100) ?? o.value,
  }));
  if (new Set(out.map((o) => o.value)).size !== out.length) p.add('input.options', 'Option values must differ', 'DUPLICATE_OPTION');
  return out;
}

function checkPermission(p: InputProblems, value: string | null | undefined): Permission | null {
  if (value === null || value === undefined) return null;
  if (!isPermission(value) || !isReadPermission(value)) {
    p.add('input.readPermission', `${JSON.stringify(value.slice(0, 100))} is not a read permission of the catalogue`, 'INVALID_PERMISSION');
    return null;
  }
  return value;
}

/** Checks a whole definition: a new one, or an existing one with a change applied. */
export function checkDefinition(input: DefineInput): Validated<DefinitionShape> {
  const p = new InputProblems();
  const key = String(input.key);
  if (!KEY_PATTERN.test(key)) p.add('input.key', 'A key is snake_case: a lower-case letter, then letters, digits or _, at most 40', 'INVALID_KEY');
  const type = CUSTOM_FIELD_TYPES.find((t) => t === input.type);
  if (!type) {
    p.add('input.type', `Unknown type ${JSON.stringify(String(input.type).slice(0, 40))}`, 'INVALID_TYPE');
    return p.result(undefined as never);
  }
  const searchable = input.searchable ?? false;
  if (searchable && !TEXTUAL.includes(type)) p.add('input.searchable', 'Only TEXT and LONG_TEXT fields are searchable', 'SEARCH_NOT_SUPPORTED');
  const shape: DefinitionShape = {
    key,
    label: text(p, 'input.label', input.label, 'A label', 100, true) ?? '',
    description: text(p, 'input.description', input.description, 'A description', 1000),
    helpText: text(p, 'input.helpText', input.helpText, 'Help text', 500),
    type,
    required: input.required ?? false,
    defaultValue: null,
    options: checkOptions(p, type, input.options),
    validation: checkRules(p, type, input.validation ?? {}),
    searchable,
    filterable: input.filterable ?? false,
    readPermission: checkPermission(p, input.readPermission),
  };
  if (input.defaultValue != null && p.list.length === 0) {
    const sub = new InputProblems();
    const value = checkValue(shape, input.defaultValue, ['input', 'defaultValue'], sub);
    if (type === 'EMPLOYEE_REFERENCE' && value != null) sub.add('input.defaultValue', 'An employee reference has no default', 'DEFAULT_NOT_ALLOWED');
    for (const e of sub.list) p.add(e.field ?? 'input.defaultValue', e.message, e.code);
    shape.defaultValue = (value ?? null) as StoredValue | null;
  }
  return p.result(shape);
}

/** The definition input that an existing definition with `change` applied amounts to. */
export function applyChange(current: CustomFieldDefinition, change: ChangeInput): DefineInput {
  // Null clears what may be empty (description, help text, default, permission); elsewhere it keeps the current value.
  const CLEARABLE: ReadonlyArray<keyof ChangeInput> = ['description', 'helpText', 'defaultValue', 'readPermission'];
  const has = (name: keyof ChangeInput) => (CLEARABLE.includes(name) ? change[name] !== undefined : change[name] !== undefined && change[name] !== null);
  const pick = <K extends keyof ChangeInput>(name: K, now: unknown) => (has(name) ? change[name] : now);
  const retyped = has('type') && change.type !== current.type;
  return {
    key: current.key,
    label: (pick('label', current.label) as string | null) ?? '',
    description: pick('description', current.description) as string | null,
    helpText: pick('helpText', current.helpText) as string | null,
    type: (pick('type', current.type) as string | null) ?? current.type,
    required: (pick('required', current.required) as boolean | null) ?? false,
    // A type change drops a default that no longer fits unless a new one is given.
    defaultValue: has('defaultValue') ? change.defaultValue : retyped ? null : dataOf(current.type, current.defaultValue),
    // Options and search go with the types that have them, unless given.
    options: has('options') ? change.options : retyped && !OPTIONED.includes(change.type as CustomFieldType) ? [] : current.options,
    validation: has('validation') ? change.validation : retyped ? {} : current.validation,
    searchable: has('searchable') ? change.searchable : current.searchable && TEXTUAL.includes((change.type ?? current.type) as CustomFieldType),
    filterable: (pick('filterable', current.filterable) as boolean | null) ?? false,
    readPermission: pick('readPermission', current.readPermission) as string | null,
  };
}

/** A stored value back in the input's shape. */
export function dataOf(type: CustomFieldType, value: StoredValue | null): CustomFieldData | null {
  if (value === null) return null;
  switch (type) {
    case 'INTEGER':
      return { integer: value as number };
    case 'DECIMAL':
      return { decimal: value as string };
    case 'DATE':
      return { date: value as string };
    case 'BOOLEAN':
      return { boolean: value as boolean };
    case 'MULTI_SELECT':
      return { options: value as string[] };
    case 'EMPLOYEE_REFERENCE':
      return { employeeId: value as string };
    default:
      return { text: value as string };
  }
}

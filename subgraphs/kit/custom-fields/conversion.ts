import { isCalendarDate } from '../../../platform/dates';
import { D } from '../money';
import { DECIMAL_PATTERN, INTEGER_RANGE, TEXT_CAP, type CustomFieldDefinition, type StoredValue } from './types';

type Shape = Pick<CustomFieldDefinition, 'type' | 'options'>;

/** A stored value rewritten for a changed definition; `blocked` when it has no safe equivalent. */
export type Conversion = { ok: true; value: StoredValue | null } | { ok: false };

const TEXT_TYPES = ['TEXT', 'LONG_TEXT'] as const;
const isInteger = (s: string) => /^-?\d{1,10}$/.test(s) && Number(s) >= INTEGER_RANGE.min && Number(s) <= INTEGER_RANGE.max;

function asText(value: StoredValue): string | null {
  return Array.isArray(value) ? null : String(value);
}

/**
 * How a value of `from` becomes a value of `to` (docs/custom-fields.md has the
 * table): a change that loses nothing converts (anything to text, an integer
 * to a decimal, a select to a multi-select); one that may lose something
 * converts only the values that fit (text to a number, a date, a boolean or an
 * option; a decimal to an integer; a multi-select of at most one option to a
 * select); a value that does not fit blocks the whole change.
 */
export function convertValue(value: StoredValue, from: Shape, to: Shape): Conversion {
  const ok = (v: StoredValue | null): Conversion => ({ ok: true, value: v });
  const isOption = (v: string) => to.options.some((o) => o.value === v);
  if (from.type === to.type) {
    if (to.type === 'SELECT') return isOption(value as string) ? ok(value) : { ok: false };
    if (to.type === 'MULTI_SELECT')
      return (value as string[]).every(isOption) ? ok(to.options.map((o) => o.value).filter((v) => (value as string[]).includes(v))) : { ok: false };
    return ok(value);
  }
  if (from.type === 'MULTI_SELECT') {
    const chosen = value as string[];
    if (to.type === 'SELECT' && chosen.length <= 1) return chosen.length === 0 ? ok(null) : isOption(chosen[0]!) ? ok(chosen[0]!) : { ok: false };
    if ((TEXT_TYPES as readonly string[]).includes(to.type)) return ok(chosen.join(', '));
    return { ok: false };
  }
  const text = asText(value);
  if (text === null) return { ok: false };
  switch (to.type) {
    case 'TEXT':
    case 'LONG_TEXT':
      return [...text].length <= TEXT_CAP[to.type] ? ok(text) : { ok: false };
    case 'INTEGER':
      if (from.type === 'DECIMAL') return new D(text).isInteger() && isInteger(new D(text).toFixed()) ? ok(Number(new D(text).toFixed())) : { ok: false };
      return isInteger(text.trim()) ? ok(Number(text.trim())) : { ok: false };
    case 'DECIMAL':
      return DECIMAL_PATTERN.test(text.trim()) ? ok(new D(text.trim()).toFixed()) : { ok: false };
    case 'DATE':
      return isCalendarDate(text.trim()) ? ok(text.trim()) : { ok: false };
    case 'BOOLEAN':
      return text.trim() === 'true' ? ok(true) : text.trim() === 'false' ? ok(false) : { ok: false };
    case 'SELECT':
      return isOption(text) ? ok(text) : { ok: false };
    case 'MULTI_SELECT':
      return isOption(text) ? ok([text]) : { ok: false };
    case 'EMPLOYEE_REFERENCE':
      // Whether a text names an employee of the company is not a property of the text: refused while values exist.
      return { ok: false };
  }
}

/** Whether a change of definition can touch stored values (a type or the options). */
export function reshapesValues(from: Shape, to: Shape): boolean {
  return from.type !== to.type || JSON.stringify(from.options.map((o) => o.value)) !== JSON.stringify(to.options.map((o) => o.value));
}

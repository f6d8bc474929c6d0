import type { UserError } from '../errors';
import type { CustomFieldDefinition, CustomFieldOption, CustomFieldRules, CustomFieldType, StoredValue, StoredValues } from './types';

/** GraphQL's CustomFieldValue. */
export interface CustomFieldValueView {
  key: string;
  label: string;
  type: CustomFieldType;
  archived: boolean;
  text: string | null;
  integer: number | null;
  decimal: string | null;
  date: string | null;
  boolean: boolean | null;
  options: string[] | null;
  employeeId: string | null;
  display: string;
}

/** GraphQL's CustomFieldDefinition. */
export interface CustomFieldDefinitionView {
  id: string;
  key: string;
  label: string;
  description: string | null;
  helpText: string | null;
  type: CustomFieldType;
  required: boolean;
  defaultValue: CustomFieldValueView | null;
  options: CustomFieldOption[];
  validation: Required<{ [K in keyof CustomFieldRules]: NonNullable<CustomFieldRules[K]> | null }>;
  searchable: boolean;
  filterable: boolean;
  readPermission: string | null;
  position: number;
  archived: boolean;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function display(def: CustomFieldDefinition, value: StoredValue): string {
  const label = (v: string) => def.options.find((o) => o.value === v)?.label ?? v;
  if (def.type === 'BOOLEAN') return value ? 'Yes' : 'No';
  if (def.type === 'SELECT') return label(value as string);
  if (def.type === 'MULTI_SELECT') return (value as string[]).map(label).join(', ');
  return String(value);
}

export function valueView(def: CustomFieldDefinition, value: StoredValue): CustomFieldValueView {
  const slot = <T>(types: readonly CustomFieldType[], v: T): T | null => (types.includes(def.type) ? v : null);
  return {
    key: def.key,
    label: def.label,
    type: def.type,
    archived: def.archivedAt !== null,
    text: slot(['TEXT', 'LONG_TEXT', 'SELECT'], value as string),
    integer: slot(['INTEGER'], value as number),
    decimal: slot(['DECIMAL'], value as string),
    date: slot(['DATE'], value as string),
    boolean: slot(['BOOLEAN'], value as boolean),
    options: slot(['MULTI_SELECT'], value as string[]),
    employeeId: slot(['EMPLOYEE_REFERENCE'], value as string),
    display: display(def, value),
  };
}

export function definitionView(def: CustomFieldDefinition): CustomFieldDefinitionView {
  const v = def.validation;
  return {
    ...def,
    defaultValue: def.defaultValue === null ? null : valueView(def, def.defaultValue),
    validation: { minLength: v.minLength ?? null, maxLength: v.maxLength ?? null, min: v.min ?? null, max: v.max ?? null, pattern: v.pattern ?? null },
    archived: def.archivedAt !== null,
  };
}

/** A record's values the caller may read, in the definitions' order; archived ones only when asked. */
export function valuesView(definitions: readonly CustomFieldDefinition[], stored: StoredValues, includeArchived: boolean): CustomFieldValueView[] {
  return definitions.flatMap((def) => {
    if ((def.archivedAt !== null && !includeArchived) || !Object.prototype.hasOwnProperty.call(stored, def.key)) return [];
    return [valueView(def, stored[def.key]!)];
  });
}

/** A definition mutation's payload (CustomFieldDefinitionPayload) from runModuleMutation's result. */
export async function definitionPayload(work: Promise<{ definition?: CustomFieldDefinition; userErrors: UserError[] }>) {
  const { definition, userErrors } = await work;
  return { definition: definition ? definitionView(definition) : null, userErrors };
}

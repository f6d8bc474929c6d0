import type { Permission } from '../../../platform/permissions';

/** What a custom field holds. The names are the GraphQL enum CustomFieldType's. */
export const CUSTOM_FIELD_TYPES = ['TEXT', 'LONG_TEXT', 'INTEGER', 'DECIMAL', 'DATE', 'BOOLEAN', 'SELECT', 'MULTI_SELECT', 'EMPLOYEE_REFERENCE'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/**
 * A value as stored in the entity's `custom_fields` object: text, a select's
 * option, a date (YYYY-MM-DD) and an employee id are strings; an integer a
 * JSON number; a decimal a string, so it stays exact; a multi-select the list
 * of its options' values.
 */
export type StoredValue = string | number | boolean | string[];
export type StoredValues = Record<string, StoredValue>;

export interface CustomFieldOption {
  value: string;
  label: string;
}

/** Rules a value must meet when it is written (not retroactively). */
export interface CustomFieldRules {
  minLength?: number | null;
  maxLength?: number | null;
  /** For INTEGER and DECIMAL a number as text, for DATE a date. */
  min?: string | null;
  max?: string | null;
  pattern?: string | null;
}

/** A tenant's definition of one custom field of one entity. */
export interface CustomFieldDefinition {
  id: string;
  key: string;
  label: string;
  description: string | null;
  helpText: string | null;
  type: CustomFieldType;
  required: boolean;
  defaultValue: StoredValue | null;
  options: CustomFieldOption[];
  validation: CustomFieldRules;
  searchable: boolean;
  filterable: boolean;
  /** Who may read the field's values (and see the definition); null: whoever reads the entity. */
  readPermission: Permission | null;
  position: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
}

/** One value as a client gives it: the key and exactly one typed slot (none, or every slot null, clears it). */
export interface CustomFieldValueInput {
  key: string;
  text?: string | null;
  integer?: number | null;
  decimal?: string | null;
  date?: string | null;
  boolean?: boolean | null;
  options?: readonly string[] | null;
  employeeId?: string | null;
}

export type CustomFieldData = Omit<CustomFieldValueInput, 'key'>;

/** The longest text each text type accepts, whatever a definition says. */
export const TEXT_CAP: Record<'TEXT' | 'LONG_TEXT', number> = { TEXT: 500, LONG_TEXT: 10_000 };
export const MAX_DEFINITIONS = 100;
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const DECIMAL_PATTERN = /^-?\d{1,18}(\.\d{1,6})?$/;
export const INTEGER_RANGE = { min: -2_147_483_648, max: 2_147_483_647 };

/** The input slot each type is written through. */
export const SLOT_OF: Record<CustomFieldType, keyof CustomFieldData> = {
  TEXT: 'text',
  LONG_TEXT: 'text',
  SELECT: 'text',
  INTEGER: 'integer',
  DECIMAL: 'decimal',
  DATE: 'date',
  BOOLEAN: 'boolean',
  MULTI_SELECT: 'options',
  EMPLOYEE_REFERENCE: 'employeeId',
};

import type { ColumnType, Insertable, Selectable } from 'kysely';

/** An employee's personal data: each field a ciphertext under the data key `key_version` (platform/data-encryption.ts). */
export interface PersonalDataTable {
  employee_id: string;
  key_version: number;
  tax_id: string | null;
  iban: string | null;
  date_of_birth: string | null;
  home_address: string | null;
  emergency_contact: string | null;
  /** HMAC of the normalised tax id under the row's key version, for look-ups. */
  tax_id_index: Buffer | null;
  updated_at: ColumnType<Date, never, Date>;
}
export type PersonalDataRow = Selectable<PersonalDataTable>;
export type NewPersonalData = Insertable<PersonalDataTable>;

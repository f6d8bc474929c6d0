import { blindIndex, blindIndexKey, decryptField, encryptField } from '../../../platform/data-encryption';
import { normaliseTaxId, NO_PERSONAL_DATA, type PersonalData } from '../domain/personal-data';
import type { EmployeesExecutor } from '../store/db';
import { findEmployeeIdsByTaxIdIndex, findPersonalDataOf, upsertPersonalData } from '../store/personal-data';
import type { NewPersonalData, PersonalDataRow } from '../store/personal-data.table';
import type { DataKey, DataKeyring } from './keyring';

const TAX_ID_PURPOSE = 'employee.tax_id';

type Column = 'tax_id' | 'iban' | 'date_of_birth' | 'home_address' | 'emergency_contact';

/** Each field, its column and its plain-text form (objects as JSON). */
const FIELDS = [
  { field: 'taxId', column: 'tax_id' },
  { field: 'iban', column: 'iban' },
  { field: 'dateOfBirth', column: 'date_of_birth' },
  { field: 'homeAddress', column: 'home_address' },
  { field: 'emergencyContact', column: 'emergency_contact' },
] as const satisfies ReadonlyArray<{ field: keyof PersonalData; column: Column }>;

const serialise = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The row's ciphertexts under `dataKey`, each bound to tenant, employee and field; plus the tax id's blind index. */
export function encryptPersonalData(tenantId: string, employeeId: string, data: PersonalData, dataKey: DataKey): NewPersonalData {
  const row: NewPersonalData = { employee_id: employeeId, key_version: dataKey.version, tax_id_index: null };
  for (const { field, column } of FIELDS) {
    const value = data[field];
    row[column] = value === null ? null : encryptField(dataKey.key, dataKey.version, serialise(value), { tenantId, rowId: employeeId, field: column });
  }
  if (data.taxId !== null) row.tax_id_index = taxIdIndex(dataKey.key, data.taxId);
  return row;
}

export function decryptPersonalData(tenantId: string, row: PersonalDataRow, key: Buffer): PersonalData {
  const plain = (column: Column): string | null =>
    row[column] === null ? null : decryptField(key, row[column], { tenantId, rowId: row.employee_id, field: column });
  const json = <T>(column: Column): T | null => {
    const value = plain(column);
    return value === null ? null : (JSON.parse(value) as T);
  };
  return {
    taxId: plain('tax_id'),
    iban: plain('iban'),
    dateOfBirth: plain('date_of_birth'),
    homeAddress: json('home_address'),
    emergencyContact: json('emergency_contact'),
  };
}

function taxIdIndex(dataKey: Buffer, taxId: string): Buffer {
  return blindIndex(blindIndexKey(dataKey), TAX_ID_PURPOSE, normaliseTaxId(taxId));
}

export async function readPersonalData(db: EmployeesExecutor, keyring: DataKeyring, row: PersonalDataRow): Promise<PersonalData> {
  return decryptPersonalData(keyring.tenantId, row, await keyring.key(db, row.key_version));
}

/**
 * Writes the given fields over what the employee has, re-encrypting the whole
 * row under the current key: a row is always under one version, which is what
 * rotation counts. Returns the fields given.
 */
export async function savePersonalData(db: EmployeesExecutor, keyring: DataKeyring, employeeId: string, changes: Partial<PersonalData>): Promise<void> {
  const [existing] = await findPersonalDataOf(db, [employeeId], { forUpdate: true });
  const before = existing ? await readPersonalData(db, keyring, existing) : NO_PERSONAL_DATA;
  const dataKey = await keyring.current(db);
  await upsertPersonalData(db, encryptPersonalData(keyring.tenantId, employeeId, { ...before, ...changes }, dataKey));
}

/** Employees with this tax id, through the blind index of every live key version (two during a rotation), never the plain text. */
export async function employeeIdsByTaxId(db: EmployeesExecutor, keyring: DataKeyring, taxId: string): Promise<string[]> {
  const keys = await keyring.live(db);
  return findEmployeeIdsByTaxIdIndex(
    db,
    keys.map((k) => taxIdIndex(k.key, taxId)),
  );
}

/** A keyed digest of personal input (for an idempotency claim): equal inputs match, and it cannot be reversed by guessing without the key. */
export function personalDataDigest(dataKey: Buffer, personal: Record<string, unknown>): string {
  return blindIndex(blindIndexKey(dataKey), 'employee.idempotent-input', JSON.stringify(personal)).toString('base64');
}

import {
  blindIndex,
  blindIndexKey,
  ciphertextVersion,
  decodeMasterKey,
  decryptField,
  DecryptionError,
  encryptField,
  generateDataKey,
  generateMasterKey,
  unwrapDataKey,
  wrapDataKey,
} from '../../platform/data-encryption';
import { InputProblems } from '../../subgraphs/kit/validation';
import { maskIban, maskPersonalData, maskTaxId, normaliseTaxId, validatePersonalData } from '../../subgraphs/employees/domain/personal-data';

const TODAY = '2026-12-06';

function problems(input: Parameters<typeof validatePersonalData>[1]) {
  const p = new InputProblems();
  const value = validatePersonalData(p, input, TODAY);
  return { value, errors: p.list.map((e) => [e.field!.join('.'), e.code]) };
}

describe('personal data input', () => {
  it('normalises what it accepts', () => {
    const { value, errors } = problems({
      taxId: '123.456-789',
      iban: 'pt50 0002 0123 1234 5678 9015 4',
      dateOfBirth: '1990-04-01',
      homeAddress: { lines: [' Rua  Augusta 1 '], postalCode: '1100-048', city: 'Lisboa', country: 'pt' },
      emergencyContact: { name: 'Rita Costa', phone: '+351 912 345 678', relationship: 'Spouse' },
    });
    expect(errors).toEqual([]);
    expect(value).toEqual({
      taxId: '123456789',
      iban: 'PT50000201231234567890154',
      dateOfBirth: '1990-04-01',
      homeAddress: { lines: ['Rua Augusta 1'], postalCode: '1100-048', city: 'Lisboa', country: 'PT' },
      emergencyContact: { name: 'Rita Costa', phone: '+351 912 345 678', relationship: 'Spouse' },
    });
  });

  it('refuses a wrong IBAN checksum, dates out of range, unknown countries and bad lengths, each at its field', () => {
    const { errors } = problems({
      taxId: '12',
      iban: 'PT51 0002 0123 1234 5678 9015 4',
      dateOfBirth: '2027-01-01',
      homeAddress: { lines: ['x'.repeat(201)], postalCode: '1100', city: 'Lisboa', country: 'XX' },
      emergencyContact: { name: 'Rita', phone: 'call me', relationship: 'Spouse' },
    });
    expect(errors).toEqual([
      ['input.taxId', 'INVALID_TAX_ID'],
      ['input.iban', 'INVALID_IBAN'],
      ['input.dateOfBirth', 'DATE_IN_FUTURE'],
      ['input.homeAddress.lines.0', 'TOO_LONG'],
      ['input.homeAddress.country', 'INVALID_COUNTRY'],
      ['input.emergencyContact.phone', 'INVALID_PHONE'],
    ]);
    expect(problems({ dateOfBirth: '1900-01-01' }).errors).toEqual([['input.dateOfBirth', 'DATE_OUT_OF_RANGE']]);
  });

  it('masks all but what identifies the record to a colleague', () => {
    expect(maskTaxId('123456789')).toBe('*****6789');
    expect(maskIban('PT50000201231234567890154')).toBe('PT50 **** **** **** **** *015 4');
    expect(normaliseTaxId(' 12.345/678-9 ')).toBe('123456789');
    const masked = maskPersonalData({
      taxId: '123456789',
      iban: 'PT50000201231234567890154',
      dateOfBirth: '1990-04-01',
      homeAddress: { lines: ['Rua Augusta 1'], postalCode: '1100-048', city: 'Lisboa', country: 'PT' },
      emergencyContact: { name: 'Rita Costa', phone: '+351 912 345 678', relationship: 'Spouse' },
    });
    expect(masked.dateOfBirth).toBeNull();
    expect(masked.homeAddress).toEqual({ lines: [], postalCode: null, city: null, country: 'PT' });
    expect(masked.emergencyContact).toEqual({ name: null, phone: null, relationship: 'Spouse' });
  });
});

describe('envelope encryption', () => {
  const master = decodeMasterKey(generateMasterKey());
  const field = { tenantId: 'tenant-a', rowId: 'employee-1', field: 'tax_id' };

  it('round-trips a field and records the key version', () => {
    const key = generateDataKey();
    const ciphertext = encryptField(key, 3, '123456789', field);
    expect(ciphertext).toMatch(/^v3:/);
    expect(ciphertext).not.toContain('123456789');
    expect(ciphertextVersion(ciphertext)).toBe(3);
    expect(decryptField(key, ciphertext, field)).toBe('123456789');
  });

  it('refuses a ciphertext moved to another row, field or tenant, or read with another key', () => {
    const key = generateDataKey();
    const ciphertext = encryptField(key, 1, '123456789', field);
    expect(() => decryptField(key, ciphertext, { ...field, rowId: 'employee-2' })).toThrow(DecryptionError);
    expect(() => decryptField(key, ciphertext, { ...field, field: 'iban' })).toThrow(DecryptionError);
    expect(() => decryptField(key, ciphertext, { ...field, tenantId: 'tenant-b' })).toThrow(DecryptionError);
    expect(() => decryptField(generateDataKey(), ciphertext, field)).toThrow(DecryptionError);
    expect(() => decryptField(key, ciphertext.replace(/^v1:/, 'v2:'), field)).toThrow(DecryptionError);
  });

  it('unwraps a data key only with its master key, tenant and version', () => {
    const key = generateDataKey();
    const wrapped = wrapDataKey(master, key, { tenantId: 'tenant-a', version: 1 });
    expect(unwrapDataKey(master, wrapped, { tenantId: 'tenant-a', version: 1 }).equals(key)).toBe(true);
    expect(() => unwrapDataKey(master, wrapped, { tenantId: 'tenant-b', version: 1 })).toThrow(DecryptionError);
    expect(() => unwrapDataKey(master, wrapped, { tenantId: 'tenant-a', version: 2 })).toThrow(DecryptionError);
    expect(() => unwrapDataKey(decodeMasterKey(generateMasterKey()), wrapped, { tenantId: 'tenant-a', version: 1 })).toThrow(DecryptionError);
  });

  it('computes blind indexes that depend on the key and the purpose', () => {
    const key = generateDataKey();
    const index = blindIndex(blindIndexKey(key), 'employee.tax_id', '123456789');
    expect(index.equals(blindIndex(blindIndexKey(key), 'employee.tax_id', '123456789'))).toBe(true);
    expect(index.equals(blindIndex(blindIndexKey(generateDataKey()), 'employee.tax_id', '123456789'))).toBe(false);
    expect(index.equals(blindIndex(blindIndexKey(key), 'other', '123456789'))).toBe(false);
    expect(() => decodeMasterKey('c2hvcnQ=')).toThrow();
  });
});

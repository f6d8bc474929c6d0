import type { electronicFormatIBAN as ElectronicFormatIBAN, isValidIBAN as IsValidIBAN } from 'ibantools' with { 'resolution-mode': 'import' };
import type { InputProblems } from '../../kit/validation';
import { normalizeName } from './names';

/*
 * Employees' personal data: what may be recorded, how it is checked and
 * normalised, and what a caller who may not see it gets instead (masks).
 * Encryption is not a business rule: services/personal-data.ts does it.
 */

export interface HomeAddress {
  lines: string[];
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface EmergencyContact {
  name: string;
  phone: string;
  relationship: string;
}

export interface PersonalData {
  /** Normalised: upper case, letters and digits only. */
  taxId: string | null;
  /** Electronic format: upper case, no spaces. */
  iban: string | null;
  dateOfBirth: string | null;
  homeAddress: HomeAddress | null;
  emergencyContact: EmergencyContact | null;
}

export const PERSONAL_FIELDS = ['taxId', 'iban', 'dateOfBirth', 'homeAddress', 'emergencyContact'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

export const NO_PERSONAL_DATA: PersonalData = { taxId: null, iban: null, dateOfBirth: null, homeAddress: null, emergencyContact: null };

export interface PersonalDataInput {
  taxId?: string | null;
  iban?: string | null;
  dateOfBirth?: string | null;
  homeAddress?: { lines: readonly string[]; postalCode: string; city: string; country: string } | null;
  emergencyContact?: { name: string; phone: string; relationship: string } | null;
}

/** Separators people write in tax ids ("123 456 789", "12.345.678-9") are not part of them. */
export function normaliseTaxId(value: string): string {
  return value.toUpperCase().replace(/[\s.\-/]/g, '');
}

// ibantools ships ESM typings but a CommonJS build, which this CommonJS code loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { electronicFormatIBAN, isValidIBAN } = require('ibantools') as { electronicFormatIBAN: typeof ElectronicFormatIBAN; isValidIBAN: typeof IsValidIBAN };

const TAX_ID = /^[A-Z0-9]{4,20}$/;
const PHONE = /^\+?[0-9 ().-]{5,32}$/;
const OLDEST_YEARS = 120;
const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/** An assigned ISO 3166-1 alpha-2 code, as the runtime's ICU knows them. */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = regions.of(code);
  return name !== undefined && name !== code && name !== 'Unknown Region';
}

function text(p: InputProblems, field: string, value: string, label: string, max: number): string {
  const cleaned = normalizeName(value);
  if (cleaned.length === 0) p.add(field, `${label} is required`, 'REQUIRED');
  else if (cleaned.length > max) p.add(field, `${label} is at most ${max} characters`, 'TOO_LONG');
  return cleaned;
}

function taxId(p: InputProblems, value: string): string {
  const id = normaliseTaxId(value);
  if (id.length === 0) p.add('input.taxId', 'Tax id is required', 'REQUIRED');
  else if (!TAX_ID.test(id)) p.add('input.taxId', 'A tax id is 4 to 20 letters and digits (spaces, dots, dashes and slashes are ignored)', 'INVALID_TAX_ID');
  return id;
}

function iban(p: InputProblems, value: string): string {
  const electronic = electronicFormatIBAN(value) ?? '';
  if (electronic.length === 0) p.add('input.iban', 'IBAN is required', 'REQUIRED');
  else if (!isValidIBAN(electronic)) p.add('input.iban', 'This is not a valid IBAN (its country, length or check digits are wrong)', 'INVALID_IBAN');
  return electronic;
}

function yearsBefore(date: string, years: number): string {
  return `${String(Number(date.slice(0, 4)) - years).padStart(4, '0')}${date.slice(4)}`;
}

function dateOfBirth(p: InputProblems, value: string, today: string): string {
  if (value > today) p.add('input.dateOfBirth', `The date of birth ${value} is in the future`, 'DATE_IN_FUTURE');
  else if (value < yearsBefore(today, OLDEST_YEARS))
    p.add('input.dateOfBirth', `The date of birth ${value} is more than ${OLDEST_YEARS} years ago`, 'DATE_OUT_OF_RANGE');
  return value;
}

function homeAddress(p: InputProblems, value: NonNullable<PersonalDataInput['homeAddress']>): HomeAddress {
  const field = 'input.homeAddress';
  const lines = value.lines.map((line, i) => text(p, `${field}.lines.${i}`, line, 'An address line', 200));
  if (lines.length === 0) p.add(`${field}.lines`, 'Give at least one address line', 'REQUIRED');
  if (lines.length > 4) p.add(`${field}.lines`, 'An address has at most 4 lines', 'TOO_LONG');
  const country = value.country.trim().toUpperCase();
  if (!isCountryCode(country)) p.add(`${field}.country`, `"${value.country}" is not an ISO 3166-1 alpha-2 country code`, 'INVALID_COUNTRY');
  return {
    lines,
    postalCode: text(p, `${field}.postalCode`, value.postalCode, 'Postal code', 20),
    city: text(p, `${field}.city`, value.city, 'City', 100),
    country,
  };
}

function emergencyContact(p: InputProblems, value: NonNullable<PersonalDataInput['emergencyContact']>): EmergencyContact {
  const field = 'input.emergencyContact';
  const phone = value.phone.trim();
  if (!PHONE.test(phone) || phone.replace(/\D/g, '').length < 5) p.add(`${field}.phone`, `"${value.phone}" is not a phone number`, 'INVALID_PHONE');
  return {
    name: text(p, `${field}.name`, value.name, 'Name', 200),
    phone,
    relationship: text(p, `${field}.relationship`, value.relationship, 'Relationship', 50),
  };
}

/** The personal fields given (null or absent: left as they are), checked and normalised; problems at input.<field>. */
export function validatePersonalData(p: InputProblems, input: PersonalDataInput, today: string): Partial<PersonalData> {
  const given: Partial<PersonalData> = {};
  if (input.taxId != null) given.taxId = taxId(p, input.taxId);
  if (input.iban != null) given.iban = iban(p, input.iban);
  if (input.dateOfBirth != null) given.dateOfBirth = dateOfBirth(p, input.dateOfBirth, today);
  if (input.homeAddress != null) given.homeAddress = homeAddress(p, input.homeAddress);
  if (input.emergencyContact != null) given.emergencyContact = emergencyContact(p, input.emergencyContact);
  return given;
}

export function givenFields(data: Partial<PersonalData>): PersonalField[] {
  return PERSONAL_FIELDS.filter((f) => data[f] !== undefined);
}

/** The fields that hold a value. */
export function recordedFields(data: PersonalData): PersonalField[] {
  return PERSONAL_FIELDS.filter((f) => data[f] !== null);
}

/** What a caller without the right to see personal data gets. */
export interface MaskedPersonalData {
  taxId: string | null;
  iban: string | null;
  dateOfBirth: null;
  homeAddress: { lines: string[]; postalCode: null; city: null; country: string } | null;
  emergencyContact: { name: null; phone: null; relationship: string } | null;
}

/** All but the last four characters starred: `*****6789`. */
export function maskTaxId(id: string): string {
  const shown = id.length > 4 ? id.slice(-4) : '';
  return `${'*'.repeat(id.length - shown.length)}${shown}`;
}

/** Country and check digits, and the last four characters, in groups of four: `PT50 **** **** **** **** *015 4`. */
export function maskIban(electronic: string): string {
  const starred = `${electronic.slice(0, 4)}${'*'.repeat(Math.max(0, electronic.length - 8))}${electronic.slice(-4)}`;
  return starred.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The date of birth and the emergency contact's name and phone are withheld; the address keeps only its country. */
export function maskPersonalData(data: PersonalData): MaskedPersonalData {
  return {
    taxId: data.taxId === null ? null : maskTaxId(data.taxId),
    iban: data.iban === null ? null : maskIban(data.iban),
    dateOfBirth: null,
    homeAddress: data.homeAddress === null ? null : { lines: [], postalCode: null, city: null, country: data.homeAddress.country },
    emergencyContact: data.emergencyContact === null ? null : { name: null, phone: null, relationship: data.emergencyContact.relationship },
  };
}

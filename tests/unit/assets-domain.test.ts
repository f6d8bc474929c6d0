import {
  deriveStatus,
  isActiveHolder,
  refuseAssignment,
  refuseDisposal,
  refuseHolder,
  refuseMaintenance,
  refuseReturn,
  type AssetState,
} from '../../subgraphs/assets/domain/status';
import { isUuid } from '../../platform/ids';
import {
  normalizeRegistration,
  refuseDateBefore,
  validateMoney,
  validateRegistration,
  validateSameCurrency,
  type RegistrationInput,
} from '../../subgraphs/assets/domain/validation';

const state = (s: Partial<AssetState> = {}): AssetState => ({ disposed: false, inMaintenance: false, assigned: false, ...s });
const code = (refusal: { code: string } | null) => refusal?.code ?? null;

describe('asset status', () => {
  it('follows disposal, then maintenance, then custody', () => {
    expect(deriveStatus(state())).toBe('IN_STOCK');
    expect(deriveStatus(state({ assigned: true }))).toBe('ASSIGNED');
    expect(deriveStatus(state({ assigned: true, inMaintenance: true }))).toBe('IN_MAINTENANCE');
    expect(deriveStatus(state({ inMaintenance: true }))).toBe('IN_MAINTENANCE');
    expect(deriveStatus(state({ disposed: true }))).toBe('DISPOSED');
  });

  it('assigns only assets in stock', () => {
    expect(code(refuseAssignment(state()))).toBeNull();
    expect(code(refuseAssignment(state({ disposed: true })))).toBe('ASSET_DISPOSED');
    expect(code(refuseAssignment(state({ inMaintenance: true })))).toBe('ASSET_IN_MAINTENANCE');
    expect(code(refuseAssignment(state({ assigned: true })))).toBe('ASSET_ALREADY_ASSIGNED');
  });

  it('returns only assigned assets, also while they are in maintenance', () => {
    expect(code(refuseReturn(state({ assigned: true })))).toBeNull();
    expect(code(refuseReturn(state({ assigned: true, inMaintenance: true })))).toBeNull();
    expect(code(refuseReturn(state()))).toBe('ASSET_NOT_ASSIGNED');
    expect(code(refuseReturn(state({ disposed: true })))).toBe('ASSET_DISPOSED');
  });

  it('maintains assigned or stocked assets, one job at a time', () => {
    expect(code(refuseMaintenance(state()))).toBeNull();
    expect(code(refuseMaintenance(state({ assigned: true })))).toBeNull();
    expect(code(refuseMaintenance(state({ inMaintenance: true })))).toBe('ASSET_IN_MAINTENANCE');
    expect(code(refuseMaintenance(state({ disposed: true })))).toBe('ASSET_DISPOSED');
  });

  it('disposes only of assets back in stock', () => {
    expect(code(refuseDisposal(state()))).toBeNull();
    expect(code(refuseDisposal(state({ assigned: true })))).toBe('ASSET_ASSIGNED');
    expect(code(refuseDisposal(state({ inMaintenance: true })))).toBe('ASSET_IN_MAINTENANCE');
    expect(code(refuseDisposal(state({ disposed: true })))).toBe('ASSET_DISPOSED');
  });

  it('gives assets only to employees known to be active', () => {
    expect(code(refuseHolder('ACTIVE'))).toBeNull();
    expect(code(refuseHolder(null))).toBe('EMPLOYEE_NOT_FOUND');
    expect(code(refuseHolder('TERMINATED'))).toBe('EMPLOYEE_NOT_ACTIVE');
    expect(code(refuseHolder('ON_LEAVE'))).toBe('EMPLOYEE_NOT_ACTIVE');
    expect([isActiveHolder('ACTIVE'), isActiveHolder('TERMINATED'), isActiveHolder(null)]).toEqual([true, false, false]);
  });
});

describe('registration input', () => {
  const valid: RegistrationInput = {
    tag: ' LAP-0001 ',
    name: 'Laptop 14in',
    category: 'IT equipment',
    serialNumber: 'SN-77-1234',
    acquisitionDate: '2026-01-10',
    acquisitionCost: { amount: '1500.00', currency: 'EUR' },
    usefulLifeMonths: 36,
    salvageValue: { amount: '300.00', currency: 'EUR' },
    depreciationMethod: 'STRAIGHT_LINE',
  };
  const errorsOf = (change: Partial<RegistrationInput>) =>
    validateRegistration(normalizeRegistration({ ...valid, ...change })).map((e) => [e.field?.join('.'), e.code]);

  it('accepts the contract example, trimmed, with salvage defaulting to zero in the cost currency', () => {
    expect(errorsOf({})).toEqual([]);
    const normalized = normalizeRegistration({ ...valid, salvageValue: null, serialNumber: '  ', location: ' HQ ' });
    expect(normalized).toMatchObject({ tag: 'LAP-0001', serialNumber: null, location: 'HQ', salvageValue: { amount: '0.00', currency: 'EUR' } });
  });

  it('refuses bad amounts with the field path and INVALID_AMOUNT', () => {
    expect(errorsOf({ acquisitionCost: { amount: '-1.00', currency: 'EUR' } })).toEqual([['input.acquisitionCost.amount', 'INVALID_AMOUNT']]);
    expect(errorsOf({ acquisitionCost: { amount: '1500.001', currency: 'EUR' } })).toEqual([['input.acquisitionCost.amount', 'INVALID_AMOUNT']]);
    expect(errorsOf({ acquisitionCost: { amount: '1000000000000', currency: 'EUR' } })).toEqual([['input.acquisitionCost.amount', 'INVALID_AMOUNT']]);
    expect(errorsOf({ salvageValue: { amount: '-0.01', currency: 'EUR' } })).toEqual([['input.salvageValue.amount', 'INVALID_AMOUNT']]);
  });

  it('refuses salvage above cost, in another currency, and bad currencies', () => {
    expect(errorsOf({ salvageValue: { amount: '1500.01', currency: 'EUR' } })).toEqual([['input.salvageValue.amount', 'SALVAGE_ABOVE_COST']]);
    expect(errorsOf({ salvageValue: { amount: '1500.00', currency: 'EUR' } })).toEqual([]);
    expect(errorsOf({ salvageValue: { amount: '100.00', currency: 'USD' } })).toEqual([['input.salvageValue.currency', 'CURRENCY_MISMATCH']]);
    expect(errorsOf({ acquisitionCost: { amount: '1.00', currency: 'euro' } })).toEqual([['input.acquisitionCost.currency', 'INVALID_CURRENCY']]);
  });

  it('refuses useful lives that are not 1 to 1200 months', () => {
    for (const months of [0, -12, 1201]) expect(errorsOf({ usefulLifeMonths: months })).toEqual([['input.usefulLifeMonths', 'INVALID_USEFUL_LIFE']]);
    expect(errorsOf({ usefulLifeMonths: 1 })).toEqual([]);
    expect(errorsOf({ usefulLifeMonths: 1200 })).toEqual([]);
  });

  it('requires tag, name and category, and reports every problem at once', () => {
    expect(errorsOf({ tag: '  ', name: '', category: ' ', usefulLifeMonths: 0 })).toEqual([
      ['input.tag', 'REQUIRED'],
      ['input.name', 'REQUIRED'],
      ['input.category', 'REQUIRED'],
      ['input.usefulLifeMonths', 'INVALID_USEFUL_LIFE'],
    ]);
    expect(errorsOf({ tag: 'T'.repeat(65) })).toEqual([['input.tag', 'TOO_LONG']]);
  });
});

describe('other checks', () => {
  it('validates a single money input', () => {
    expect(validateMoney(['input', 'cost'], { amount: '80.00', currency: 'EUR' })).toEqual([]);
    expect(validateMoney(['input', 'cost'], { amount: '0', currency: 'EUR' })).toEqual([]);
    expect(validateMoney(['input', 'cost'], { amount: '-80.00', currency: 'EUR' })).toEqual([
      expect.objectContaining({ field: ['input', 'cost', 'amount'], code: 'INVALID_AMOUNT' }),
    ]);
    expect(validateSameCurrency(['input', 'cost'], { amount: '1.00', currency: 'USD' }, 'EUR')).toEqual([
      expect.objectContaining({ field: ['input', 'cost', 'currency'], code: 'CURRENCY_MISMATCH' }),
    ]);
  });

  it('orders dates', () => {
    expect(refuseDateBefore('2026-01-09', '2026-01-10', 'Too early')).toEqual({ code: 'INVALID_DATE', message: expect.stringContaining('2026-01-10') });
    expect(refuseDateBefore('2026-01-10', '2026-01-10', 'Too early')).toBeNull();
  });

  it('recognises ids of this module', () => {
    expect(isUuid('8d0b7c9e-4d1a-4a57-9a38-3f5d0f1f2a3b')).toBe(true);
    expect(isUuid('not-an-id')).toBe(false);
    expect(isUuid("1' OR 1=1")).toBe(false);
  });
});

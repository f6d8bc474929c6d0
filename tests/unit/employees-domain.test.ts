import { contractStatus, coversDate, needsEndDate, periodsOverlap } from '../../subgraphs/employees/domain/contracts';
import { validateContract } from '../../subgraphs/employees/domain/contract-input';
import { wouldCreateCycle } from '../../subgraphs/employees/domain/cycles';
import { todayUtc } from '../../platform/dates';
import { dayBefore } from '../../subgraphs/employees/domain/dates';
import { formatEmployeeNumber } from '../../subgraphs/employees/domain/employee-number';
import { validateHire, validateManagerChange, validateStatusChange } from '../../subgraphs/employees/domain/employee-input';
import { statusChangeRefusal } from '../../subgraphs/employees/domain/employment';
import { isUuid } from '../../platform/ids';
import { fullName, normalizeName } from '../../subgraphs/employees/domain/names';
import { validateDepartmentMove, validateNewDepartment, validateNewRole } from '../../subgraphs/employees/domain/organisation-input';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

const contract = (overrides: Partial<Parameters<typeof validateContract>[0]> = {}) =>
  validateContract({
    employeeId: A,
    type: 'PERMANENT',
    startDate: '2026-01-05',
    endDate: null,
    payFrequency: 'MONTHLY',
    baseSalary: { amount: '4200.00', currency: 'EUR' },
    ...overrides,
  });

describe('employee numbers', () => {
  it('pads to six digits and keeps growing past them', () => {
    expect(formatEmployeeNumber(1)).toBe('EMP-000001');
    expect(formatEmployeeNumber(123)).toBe('EMP-000123');
    expect(formatEmployeeNumber(999_999)).toBe('EMP-999999');
    expect(formatEmployeeNumber(1_000_000)).toBe('EMP-1000000');
  });

  it('refuses numbers that cannot come from the counter', () => {
    expect(() => formatEmployeeNumber(0)).toThrow(RangeError);
    expect(() => formatEmployeeNumber(1.5)).toThrow(RangeError);
  });
});

describe('names', () => {
  it('normalises whitespace and writes the given name first', () => {
    expect(normalizeName('  Ana   Maria ')).toBe('Ana Maria');
    expect(fullName({ first_name: 'Ana', last_name: 'Silva' })).toBe('Ana Silva');
  });
});

describe('cycle checks', () => {
  it('refuses a node under itself or under its own descendant', () => {
    expect(wouldCreateCycle(A, A, [A])).toBe(true);
    // B's chain up is B → C → A: putting A under B closes A → B → C → A.
    expect(wouldCreateCycle(A, B, [B, C, A])).toBe(true);
  });

  it('accepts a new parent outside the node’s subtree, and no parent at all', () => {
    expect(wouldCreateCycle(A, B, [B, C])).toBe(false);
    expect(wouldCreateCycle(A, null, [])).toBe(false);
  });
});

describe('contract periods', () => {
  it('derives the status from the dates and today', () => {
    expect(contractStatus({ start_date: '2026-12-01', end_date: null }, '2026-11-22')).toBe('SCHEDULED');
    expect(contractStatus({ start_date: '2026-01-01', end_date: null }, '2026-11-22')).toBe('ACTIVE');
    expect(contractStatus({ start_date: '2026-01-01', end_date: '2026-11-22' }, '2026-11-22')).toBe('ACTIVE');
    expect(contractStatus({ start_date: '2026-01-01', end_date: '2026-11-21' }, '2026-11-22')).toBe('ENDED');
  });

  it('treats both ends as inclusive', () => {
    expect(coversDate({ start_date: '2026-01-01', end_date: '2026-06-30' }, '2026-06-30')).toBe(true);
    expect(coversDate({ start_date: '2026-01-01', end_date: '2026-06-30' }, '2026-07-01')).toBe(false);
    expect(periodsOverlap({ start_date: '2026-01-01', end_date: '2026-06-30' }, { start_date: '2026-06-30', end_date: null })).toBe(true);
    expect(periodsOverlap({ start_date: '2026-01-01', end_date: '2026-06-30' }, { start_date: '2026-07-01', end_date: null })).toBe(false);
    expect(periodsOverlap({ start_date: '2026-07-01', end_date: null }, { start_date: '2026-01-01', end_date: null })).toBe(true);
  });

  it('needs an end date only for fixed-term contracts', () => {
    expect(needsEndDate('FIXED_TERM')).toBe(true);
    expect(needsEndDate('PERMANENT')).toBe(false);
    expect(needsEndDate('CONTRACTOR')).toBe(false);
  });
});

describe('dates', () => {
  it('steps back across month and year ends, leap days included', () => {
    expect(dayBefore('2026-03-01')).toBe('2026-02-28');
    expect(dayBefore('2028-03-01')).toBe('2028-02-29');
    expect(dayBefore('2027-01-01')).toBe('2026-12-31');
  });

  it('takes today in UTC', () => {
    expect(todayUtc(new Date('2026-11-22T23:30:00-03:00'))).toBe('2026-11-23');
  });
});

describe('status changes', () => {
  it('moves between ACTIVE and ON_LEAVE only', () => {
    expect(statusChangeRefusal('ACTIVE', 'ON_LEAVE')).toBeNull();
    expect(statusChangeRefusal('ON_LEAVE', 'ACTIVE')).toBeNull();
    expect(statusChangeRefusal('ACTIVE', 'ACTIVE')).toBe('STATUS_UNCHANGED');
    expect(statusChangeRefusal('ACTIVE', 'TERMINATED')).toBe('INVALID_STATUS');
    expect(statusChangeRefusal('TERMINATED', 'ACTIVE')).toBe('EMPLOYEE_TERMINATED');
  });

  it('defaults the effective date to today and refuses TERMINATED at the boundary', () => {
    expect(validateStatusChange({ employeeId: A, status: 'ON_LEAVE' }, '2026-11-22')).toEqual({
      ok: true,
      value: { employeeId: A, status: 'ON_LEAVE', effectiveDate: '2026-11-22' },
    });
    expect(validateStatusChange({ employeeId: A, status: 'TERMINATED', effectiveDate: '2026-11-01' }, '2026-11-22')).toEqual({
      ok: false,
      userErrors: [{ field: ['input', 'status'], message: expect.any(String), code: 'INVALID_STATUS' }],
    });
  });
});

describe('hire input', () => {
  it('cleans names and e-mail', () => {
    const checked = validateHire({ firstName: ' Ana ', lastName: 'da  Silva', email: ' Ana.Silva@Acme.Example ', hireDate: '2026-01-05', departmentId: A });
    expect(checked).toEqual({
      ok: true,
      value: {
        firstName: 'Ana',
        lastName: 'da Silva',
        email: 'ana.silva@acme.example',
        hireDate: '2026-01-05',
        departmentId: A,
        positionId: null,
        managerId: null,
        personal: {},
      },
    });
  });

  it('reports every bad field with its path and code', () => {
    const checked = validateHire({ firstName: '  ', lastName: 'x'.repeat(101), email: 'not-an-email', hireDate: '2026-01-05', positionId: 'nope' });
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.userErrors.map((e) => [e.field, e.code])).toEqual([
      [['input', 'firstName'], 'REQUIRED'],
      [['input', 'lastName'], 'TOO_LONG'],
      [['input', 'email'], 'INVALID_EMAIL'],
      [['input', 'positionId'], 'NOT_FOUND'],
    ]);
  });

  it('refuses an employee as their own manager', () => {
    const checked = validateManagerChange({ employeeId: A, managerId: A });
    expect(!checked.ok && checked.userErrors).toEqual([{ field: ['input', 'managerId'], message: expect.any(String), code: 'MANAGER_CYCLE' }]);
  });
});

describe('contract input', () => {
  it('accepts the contract example and normalises the amount to two decimals', () => {
    expect(contract()).toEqual({
      ok: true,
      value: {
        employeeId: A,
        type: 'PERMANENT',
        startDate: '2026-01-05',
        endDate: null,
        payFrequency: 'MONTHLY',
        baseSalary: { amount: '4200.00', currency: 'EUR' },
      },
    });
    expect(contract({ baseSalary: { amount: '4200', currency: 'eur' } })).toMatchObject({
      ok: true,
      value: { baseSalary: { amount: '4200.00', currency: 'EUR' } },
    });
  });

  it.each([
    ['-1.00', 'negative'],
    ['0', 'zero'],
    ['4200.005', 'three decimals'],
    ['1000000000000.00', 'beyond numeric(14,2)'],
  ])('refuses the salary %s (%s)', (amount) => {
    expect(contract({ baseSalary: { amount, currency: 'EUR' } })).toEqual({
      ok: false,
      userErrors: [{ field: ['input', 'baseSalary', 'amount'], message: expect.any(String), code: 'INVALID_AMOUNT' }],
    });
  });

  it('accepts the largest salary numeric(14,2) holds', () => {
    expect(contract({ baseSalary: { amount: '999999999999.99', currency: 'EUR' } }).ok).toBe(true);
  });

  it('refuses a currency that is not ISO 4217-shaped', () => {
    expect(contract({ baseSalary: { amount: '1.00', currency: 'EURO' } })).toEqual({
      ok: false,
      userErrors: [{ field: ['input', 'baseSalary', 'currency'], message: expect.any(String), code: 'INVALID_CURRENCY' }],
    });
  });

  it('refuses an end before the start, and a fixed term without an end', () => {
    expect(contract({ endDate: '2026-01-04' })).toEqual({
      ok: false,
      userErrors: [{ field: ['input', 'endDate'], message: expect.any(String), code: 'INVALID_DATE_RANGE' }],
    });
    expect(contract({ endDate: '2026-01-05' }).ok).toBe(true);
    expect(contract({ type: 'FIXED_TERM' })).toEqual({
      ok: false,
      userErrors: [{ field: ['input', 'endDate'], message: expect.any(String), code: 'REQUIRED' }],
    });
  });
});

describe('organisation input', () => {
  it('refuses a department as its own parent and malformed ids', () => {
    expect(validateDepartmentMove({ departmentId: A, parentId: A })).toEqual({
      ok: false,
      userErrors: [{ field: ['input', 'parentId'], message: expect.any(String), code: 'DEPARTMENT_CYCLE' }],
    });
    expect(validateNewDepartment({ name: 'Ops', parentId: '42' })).toEqual({
      ok: false,
      userErrors: [{ field: ['input', 'parentId'], message: expect.any(String), code: 'NOT_FOUND' }],
    });
  });

  it('keeps an empty role description as none', () => {
    expect(validateNewRole({ name: ' Fire  Warden ', description: '  ' })).toEqual({ ok: true, value: { name: 'Fire Warden', description: null } });
  });

  it('knows a uuid when it sees one', () => {
    expect(isUuid(A)).toBe(true);
    expect(isUuid('EMP-000001')).toBe(false);
  });
});

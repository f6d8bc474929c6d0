import fc from 'fast-check';
import { createCompany, type GatewayCompany } from '../support/company';
import { CF, defineField } from '../support/custom-fields';
import { problemsOf } from '../support/fuzz/campaign';
import { startTestStack, type TestStack } from '../support/stack';

// Bad input over custom-field definitions, values and filters through the gateway: every answer is a client
// answer (no 5xx), every error has a code, nothing leaks SQL or a stack. The seed is fixed so a failure replays.
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261223);

let t: TestStack;
let acme: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Fuzz Fields', modules: ['EMPLOYEES', 'ASSETS'] });
  await defineField(acme.gql, 'Employee', { key: 'size', label: 'Size', type: 'SELECT', options: [{ value: 'S' }, { value: 'M' }], filterable: true });
  await defineField(acme.gql, 'Employee', { key: 'badge', label: 'Badge', type: 'INTEGER', filterable: true, validation: { min: '0', max: '9' } });
  await defineField(acme.gql, 'Employee', { key: 'since', label: 'Since', type: 'DATE', filterable: true });
  await defineField(acme.gql, 'Employee', { key: 'langs', label: 'Languages', type: 'MULTI_SELECT', options: [{ value: 'en' }], filterable: true });
  await defineField(acme.gql, 'Employee', { key: 'nick', label: 'Nick', type: 'TEXT', searchable: true, validation: { pattern: '^[a-z]+$' } });
}, 120_000);
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const KEYS = ['size', 'badge', 'since', 'langs', 'nick', 'gone', '', 'Size', "x'; drop table employees.employee; --", 'a'.repeat(300)];
const TYPES = ['TEXT', 'LONG_TEXT', 'INTEGER', 'DECIMAL', 'DATE', 'BOOLEAN', 'SELECT', 'MULTI_SELECT', 'EMPLOYEE_REFERENCE', 'NUMBER', 'text'];
const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '_',
    '\\',
    '\u0000',
    '(a+)+$',
    '[',
    '2026-02-30',
    '1e400',
    '-0',
    'NaN',
    'true',
    '00000000-0000-4000-8000-000000000000',
    'x'.repeat(20_000),
  ),
);
const anyJson = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(hostileText, { maxLength: 3 }));
const slotValues = fc.record(
  { text: anyJson, integer: anyJson, decimal: anyJson, date: anyJson, boolean: anyJson, options: anyJson, employeeId: anyJson },
  { requiredKeys: [] },
);
const valueInput = fc.tuple(fc.constantFrom(...KEYS), slotValues).map(([key, slots]) => ({ key, ...slots }));
const definitionInput = fc.record(
  {
    key: fc.oneof(fc.constantFrom(...KEYS), hostileText),
    label: hostileText,
    type: fc.constantFrom(...TYPES),
    required: anyJson,
    defaultValue: slotValues,
    options: fc.array(fc.record({ value: hostileText, label: anyJson }, { requiredKeys: [] }), { maxLength: 4 }),
    validation: fc.record({ minLength: anyJson, maxLength: anyJson, min: anyJson, max: anyJson, pattern: hostileText }, { requiredKeys: [] }),
    filterable: anyJson,
    searchable: anyJson,
    readPermission: fc.oneof(hostileText, fc.constantFrom('employees:sensitive.read', 'employees:manage')),
  },
  { requiredKeys: ['key'] },
);
const filterInput = fc.record(
  {
    key: fc.constantFrom(...KEYS),
    eq: anyJson,
    in: fc.oneof(anyJson, fc.array(hostileText, { maxLength: 120 })),
    gte: anyJson,
    lte: anyJson,
    contains: anyJson,
  },
  { requiredKeys: ['key'] },
);

const HIRE = `mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id ${CF.values} } userErrors { field code } } }`;
const LIST = `query($filter: EmployeeFilter) { employees(filter: $filter, first: 5) { totalCount edges { node { id ${CF.values} } } } }`;

const operation = fc.oneof(
  definitionInput.map((input) => ({ query: CF.define('Employee'), variables: { input } })),
  definitionInput.map((input) => ({ query: CF.update('Employee'), variables: { input: { ...input, key: input.key } } })),
  fc.array(valueInput, { maxLength: 4 }).map((customFields) => ({
    query: HIRE,
    variables: {
      input: { firstName: 'Fuzz', lastName: 'Case', email: `fuzz-${Math.random().toString(36).slice(2)}@x.example`, hireDate: '2026-01-01', customFields },
    },
  })),
  fc.array(filterInput, { maxLength: 6 }).map((custom) => ({ query: LIST, variables: { filter: { custom } } })),
);

describe('bad input over custom fields, through the gateway', () => {
  it('answers every case with a coded client error or a userError, never a fault', async () => {
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(operation, async ({ query, variables }) => {
        const response = await fetch(t.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.secret}` },
          body: JSON.stringify({ query, variables }),
        });
        const text = await response.text();
        let body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | null = null;
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          body = null;
        }
        const problems = problemsOf(response.status, text, body);
        if (problems.length > 0) failures.push(`${JSON.stringify(variables).slice(0, 300)}: ${problems.join('; ')}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(failures).toEqual([]);
  }, 300_000);
});

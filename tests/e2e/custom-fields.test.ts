import { sql } from 'kysely';
import { createCompany, type GatewayCompany } from '../support/company';
import { CF, defineField, type DefinitionPayload } from '../support/custom-fields';
import { hireSomeone, outboxOf } from '../support/employees-fixtures';
import { member } from '../support/people';
import { startTestStack, type TestStack } from '../support/stack';
import { valueExpression } from '../../subgraphs/kit/custom-fields/store';

// Custom fields of employees through the gateway (docs/custom-fields.md): definitions, values written with
// hireEmployee and updateEmployeeDetails, reads, filters, type changes, archiving, visibility and isolation.

const HIRE = `mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id lastName ${CF.values} } userErrors { field message code } } }`;
const UPDATE = `mutation($input: UpdateEmployeeDetailsInput!) { updateEmployeeDetails(input: $input) { employee { id ${CF.values} } userErrors { field message code } } }`;
const LIST = `query($filter: EmployeeFilter, $first: Int, $after: String) { employees(filter: $filter, first: $first, after: $after) {
  totalCount edges { node { id lastName customField(key: "shirt_size") { text } } } pageInfo { hasNextPage endCursor } } }`;
const READ = `query($id: ID!) { employee(id: $id) { id ${CF.values} customField(key: "badge") { integer } archivedToo: customFields(includeArchived: true) { key } } }`;
const DEFINITIONS = `query($all: Boolean) { employeeCustomFields(includeArchived: $all) { ${CF.definitionFields} } }`;

interface Value {
  key: string;
  text?: string | null;
  integer?: number | null;
  decimal?: string | null;
  date?: string | null;
  boolean?: boolean | null;
  options?: string[] | null;
  employeeId?: string | null;
  display?: string;
}
interface HirePayload {
  hireEmployee: { employee: { id: string; customFields: Value[] } | null; userErrors: Array<{ field: string[]; code: string; message: string }> };
}
interface UpdatePayload {
  updateEmployeeDetails: { employee: { id: string; customFields: Value[] } | null; userErrors: Array<{ field: string[]; code: string; message: string }> };
}

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let person = 0;

const hire = (company: GatewayCompany, customFields: unknown[], lastName = `Cf${++person}`) =>
  company.gql<HirePayload>(HIRE, {
    input: { firstName: 'Field', lastName, email: `cf${person}.${lastName.toLowerCase()}@acme.example`, hireDate: '2026-02-02', customFields },
  });
const update = (company: GatewayCompany, employeeId: string, customFields: unknown[]) =>
  company.gql<UpdatePayload>(UPDATE, { input: { employeeId, customFields } });
const errorsOf = (res: { data?: HirePayload | null }) => res.data!.hireEmployee.userErrors.map((e) => [e.field, e.code]);

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Fields', modules: ['EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta Fields', modules: ['EMPLOYEES'] });
  await defineField(acme.gql, 'Employee', {
    key: 'shirt_size',
    label: 'Shirt size',
    type: 'SELECT',
    options: [
      { value: 'S', label: 'Small' },
      { value: 'M', label: 'Medium' },
      { value: 'L', label: 'Large' },
    ],
    filterable: true,
    helpText: 'For the company uniform',
  });
  await defineField(acme.gql, 'Employee', { key: 'badge', label: 'Badge number', type: 'INTEGER', validation: { min: '1', max: '99999' }, filterable: true });
  await defineField(acme.gql, 'Employee', {
    key: 'nickname',
    label: 'Nickname',
    type: 'TEXT',
    validation: { maxLength: 20, pattern: '^[A-Za-z ]+$' },
    searchable: true,
  });
  await defineField(acme.gql, 'Employee', { key: 'notes', label: 'Notes', type: 'LONG_TEXT' });
  await defineField(acme.gql, 'Employee', {
    key: 'allowance',
    label: 'Allowance',
    type: 'DECIMAL',
    validation: { min: '0', max: '1000.50' },
    filterable: true,
  });
  await defineField(acme.gql, 'Employee', { key: 'first_aid_until', label: 'First aid until', type: 'DATE', validation: { min: '2020-01-01' } });
  await defineField(acme.gql, 'Employee', { key: 'remote', label: 'Works remotely', type: 'BOOLEAN', defaultValue: { boolean: false }, filterable: true });
  await defineField(acme.gql, 'Employee', {
    key: 'languages',
    label: 'Languages',
    type: 'MULTI_SELECT',
    options: [{ value: 'en' }, { value: 'pt' }, { value: 'de' }],
    filterable: true,
  });
  await defineField(acme.gql, 'Employee', { key: 'buddy', label: 'Onboarding buddy', type: 'EMPLOYEE_REFERENCE' });
  await defineField(acme.gql, 'Employee', { key: 'medical_notes', label: 'Medical notes', type: 'TEXT', readPermission: 'employees:sensitive.read' });
}, 120_000);
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('custom fields of employees', () => {
  it('lists the definitions a form is built from, in order, with their rules, and audits each definition', async () => {
    const res = await acme.gql<{ employeeCustomFields: Array<Record<string, unknown>> }>(DEFINITIONS, {});
    expect(res.errors).toBeUndefined();
    const defs = res.data!.employeeCustomFields;
    expect(defs.map((d) => d.key)).toEqual([
      'shirt_size',
      'badge',
      'nickname',
      'notes',
      'allowance',
      'first_aid_until',
      'remote',
      'languages',
      'buddy',
      'medical_notes',
    ]);
    expect(defs[0]).toMatchObject({
      label: 'Shirt size',
      type: 'SELECT',
      filterable: true,
      helpText: 'For the company uniform',
      options: [
        { value: 'S', label: 'Small' },
        { value: 'M', label: 'Medium' },
        { value: 'L', label: 'Large' },
      ],
    });
    expect(defs[1]).toMatchObject({ validation: { min: '1', max: '99999', minLength: null, maxLength: null, pattern: null } });
    expect(defs[6]).toMatchObject({ defaultValue: { boolean: false, display: 'No' } });
    const audit = await acme.tenantDb.selectFrom('audit.audit_log').select(['operation', 'entity']).where('entity', '=', 'custom_field_definition').execute();
    expect(audit).toHaveLength(10);
    expect(audit[0]).toEqual({ operation: 'defineEmployeeCustomField', entity: 'custom_field_definition' });
    // Each filterable field got its index when it was defined.
    const { rows } = await sql<{
      indexname: string;
    }>`SELECT indexname FROM pg_indexes WHERE schemaname = 'employees' AND indexname LIKE 'cf_employee_%' ORDER BY 1`.execute(acme.tenantDb);
    expect(rows.map((r) => r.indexname)).toEqual([
      'cf_employee_allowance',
      'cf_employee_badge',
      'cf_employee_languages',
      'cf_employee_nickname_text',
      'cf_employee_remote',
      'cf_employee_shirt_size',
    ]);
  });

  it('writes every type with the hire, applies defaults, reads them back, and announces them', async () => {
    const buddy = await hireSomeone(acme);
    const res = await hire(acme, [
      { key: 'shirt_size', text: 'M' },
      { key: 'badge', integer: 42 },
      { key: 'nickname', text: 'Ana B' },
      { key: 'notes', text: 'x'.repeat(2000) },
      { key: 'allowance', decimal: '12.50' },
      { key: 'first_aid_until', date: '2027-03-31' },
      { key: 'languages', options: ['pt', 'en'] },
      { key: 'buddy', employeeId: buddy.id },
      { key: 'medical_notes', text: 'none' },
    ]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.hireEmployee.userErrors).toEqual([]);
    const employee = res.data!.hireEmployee.employee!;
    const byKey = Object.fromEntries(employee.customFields.map((v) => [v.key, v]));
    expect(byKey.shirt_size).toMatchObject({ type: 'SELECT', text: 'M', display: 'Medium', integer: null });
    expect(byKey.badge).toMatchObject({ type: 'INTEGER', integer: 42, text: null });
    expect(byKey.allowance).toMatchObject({ decimal: '12.5', display: '12.5' });
    expect(byKey.first_aid_until).toMatchObject({ date: '2027-03-31' });
    expect(byKey.remote).toMatchObject({ boolean: false, display: 'No' });
    expect(byKey.languages).toMatchObject({ options: ['en', 'pt'] });
    expect(byKey.buddy).toMatchObject({ employeeId: buddy.id });
    expect(byKey.medical_notes).toMatchObject({ text: 'none' });

    const read = await acme.gql<{ employee: { customField: { integer: number } } }>(READ, { id: employee.id });
    expect(read.data!.employee.customField).toEqual({ integer: 42 });

    // The hire's event carries the values anyone reading the employee may see, not the hidden ones.
    const [hired] = await outboxOf(acme, employee.id);
    expect((hired!.payload as { customFields: Record<string, unknown> }).customFields).toEqual({
      shirt_size: 'M',
      badge: 42,
      nickname: 'Ana B',
      notes: 'x'.repeat(2000),
      allowance: '12.5',
      first_aid_until: '2027-03-31',
      remote: false,
      languages: ['en', 'pt'],
      buddy: buddy.id,
    });
  });

  it('refuses a bad value of each type at ["input", "customFields", key], and writes nothing', async () => {
    const before = await acme.tenantDb
      .selectFrom('employees.employee')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await hire(acme, [
      { key: 'shirt_size', text: 'XXL' },
      { key: 'badge', integer: 0 },
      { key: 'nickname', text: 'Ana 2' },
      { key: 'notes', text: 'x'.repeat(10_001) },
      { key: 'allowance', decimal: '1000.51' },
      { key: 'first_aid_until', date: '2019-12-31' },
      { key: 'remote', text: 'yes' },
      { key: 'languages', options: ['fr'] },
      { key: 'buddy', employeeId: '00000000-0000-4000-8000-000000000000' },
      { key: 'no_such_field', text: 'x' },
    ]);
    expect(res.errors).toBeUndefined();
    const path = (key: string) => ['input', 'customFields', key];
    expect(errorsOf(res)).toEqual([
      [path('shirt_size'), 'INVALID_OPTION'],
      [path('badge'), 'OUT_OF_RANGE'],
      [path('nickname'), 'PATTERN_MISMATCH'],
      [path('notes'), 'TOO_LONG'],
      [path('allowance'), 'OUT_OF_RANGE'],
      [path('first_aid_until'), 'OUT_OF_RANGE'],
      [path('remote'), 'WRONG_VALUE_TYPE'],
      [path('languages'), 'INVALID_OPTION'],
      [path('no_such_field'), 'CUSTOM_FIELD_UNKNOWN'],
      [path('buddy'), 'NOT_FOUND'],
    ]);
    const more = await hire(acme, [
      { key: 'nickname', text: 'A very long nickname indeed' },
      { key: 'badge', integer: 1, text: '1' },
      { key: 'badge', integer: 2 },
    ]);
    expect(errorsOf(more)).toEqual([
      [path('nickname'), 'TOO_LONG'],
      [path('badge'), 'WRONG_VALUE_TYPE'],
      [path('badge'), 'DUPLICATE_KEY'],
    ]);
    const after = await acme.tenantDb
      .selectFrom('employees.employee')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('updates and clears values with updateEmployeeDetails, auditing before and after', async () => {
    const created = (await hire(acme, [{ key: 'badge', integer: 7 }])).data!.hireEmployee.employee!;
    const res = await update(acme, created.id, [{ key: 'badge', integer: 8 }, { key: 'nickname', text: 'Bee' }, { key: 'remote' }]);
    expect(res.data!.updateEmployeeDetails.userErrors).toEqual([]);
    const values = res.data!.updateEmployeeDetails.employee!.customFields;
    expect(values.map((v) => [v.key, v.integer ?? v.text ?? v.boolean ?? null])).toEqual([
      ['badge', 8],
      ['nickname', 'Bee'],
    ]);
    const audit = await acme.tenantDb
      .selectFrom('audit.audit_log')
      .select(['before', 'after'])
      .where('operation', '=', 'updateEmployeeDetails')
      .where('entity_id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect((audit.before as { customFields: unknown }).customFields).toEqual({ badge: 7, remote: false });
    expect((audit.after as { customFields: unknown }).customFields).toEqual({ badge: 8, nickname: 'Bee' });
    const unchanged = await update(acme, created.id, [{ key: 'badge', integer: 8 }]);
    expect(unchanged.data!.updateEmployeeDetails.userErrors.map((e) => e.code)).toEqual(['NOTHING_TO_CHANGE']);
  });

  it('filters on filterable fields through their index, sorted by name, page after page', async () => {
    for (const [name, size] of [
      ['Zeta', 'L'],
      ['Alpha', 'L'],
      ['Mid', 'S'],
      ['Beta', 'L'],
    ] as const) {
      expect(
        errorsOf(
          await hire(
            acme,
            [
              { key: 'shirt_size', text: size },
              { key: 'languages', options: ['de'] },
            ],
            name,
          ),
        ),
      ).toEqual([]);
    }
    type Page = { employees: { totalCount: number; edges: Array<{ node: { lastName: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = await acme.gql<Page>(LIST, { filter: { custom: [{ key: 'shirt_size', eq: 'L' }] }, first: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.employees.totalCount).toBe(3);
    expect(first.data!.employees.edges.map((e) => e.node.lastName)).toEqual(['Alpha', 'Beta']);
    const second = await acme.gql<Page>(LIST, {
      filter: { custom: [{ key: 'shirt_size', eq: 'L' }] },
      first: 2,
      after: first.data!.employees.pageInfo.endCursor,
    });
    expect(second.data!.employees.edges.map((e) => e.node.lastName)).toEqual(['Zeta']);
    expect(second.data!.employees.pageInfo.hasNextPage).toBe(false);

    const multi = await acme.gql<Page>(LIST, {
      filter: {
        custom: [
          { key: 'languages', contains: 'de' },
          { key: 'shirt_size', in: ['S', 'M'] },
        ],
      },
    });
    expect(multi.data!.employees.edges.map((e) => e.node.lastName)).toEqual(['Mid']);
    const range = await acme.gql<Page>(LIST, { filter: { custom: [{ key: 'badge', gte: '8', lte: '42' }] } });
    expect(range.data!.employees.totalCount).toBe(2);
    const text = await acme.gql<Page>(LIST, { filter: { custom: [{ key: 'nickname', contains: 'ana' }] } });
    expect(text.data!.employees.totalCount).toBe(1);

    // The plan PostgreSQL picks for the equality filter walks the field's index in the directory's order.
    const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT id FROM employees.employee
      WHERE (custom_fields ->> 'shirt_size') = 'L'::text ORDER BY last_name, first_name, id LIMIT 21`.execute(acme.tenantDb);
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/cf_employee_shirt_size/);
    // A typed field's expression (a cast that gives null rather than fail) is the index's own, so a range uses it too.
    const typed = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT id FROM employees.employee
      WHERE ${valueExpression('INTEGER', 'badge')} >= 8::bigint ORDER BY ${valueExpression('INTEGER', 'badge')}, last_name, first_name, id LIMIT 21`.execute(
      acme.tenantDb,
    );
    expect(typed.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/cf_employee_badge/);
  });

  it('sorts by a filterable custom field, then by name, page after page, and refuses a forged cursor', async () => {
    // Hired out of order, in a badge range of their own; two share badge 520 and are told apart by name.
    for (const [lastName, badge] of [
      ['Sortq', 530],
      ['Sortb', 510],
      ['Sortz', 520],
      ['Sorta', 540],
      ['Sortk', 520],
      ['Sortm', 505],
    ] as const) {
      expect(errorsOf(await hire(acme, [{ key: 'badge', integer: badge }], lastName))).toEqual([]);
    }
    const SORTED = `query($first: Int, $after: String) { employees(first: $first, after: $after, sortByCustomField: { key: "badge" }, filter: { custom: [{ key: "badge", gte: "500", lte: "599" }] }) {
      totalCount edges { cursor node { lastName customField(key: "badge") { integer } } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      employees: {
        totalCount: number;
        edges: Array<{ cursor: string; node: { lastName: string; customField: { integer: number } } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const rows = (p: Page) => p.employees.edges.map((e) => [e.node.customField.integer, e.node.lastName]);
    const first = await acme.gql<Page>(SORTED, { first: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.employees.totalCount).toBe(6);
    expect(rows(first.data!)).toEqual([
      [505, 'Sortm'],
      [510, 'Sortb'],
    ]);
    expect(first.data!.employees.pageInfo.hasNextPage).toBe(true);
    const cursor = first.data!.employees.pageInfo.endCursor;
    expect(cursor).toBe(first.data!.employees.edges[1]!.cursor);
    // The cursor carries the value, then the directory's order.
    expect((JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[]).slice(0, 3)).toEqual([510, 'Sortb', 'Field']);
    const next = await acme.gql<Page>(SORTED, { first: 10, after: cursor });
    expect(next.errors).toBeUndefined();
    expect(rows(next.data!)).toEqual([
      [520, 'Sortk'],
      [520, 'Sortz'],
      [530, 'Sortq'],
      [540, 'Sorta'],
    ]);
    expect(next.data!.employees.pageInfo.hasNextPage).toBe(false);
    // A cursor inside the tie resumes after its name, not after the value.
    const tie = await acme.gql<Page>(SORTED, { first: 1, after: next.data!.employees.edges[0]!.cursor });
    expect(rows(tie.data!)).toEqual([[520, 'Sortz']]);

    const forged = Buffer.from(JSON.stringify(['x', 'a', 'b', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    const bad = await acme.gql(SORTED, { first: 2, after: forged });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unsortable = await acme.gql(`{ employees(sortByCustomField: { key: "notes" }) { totalCount } }`);
    expect(unsortable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const searched = await acme.gql(`{ employees(sortByCustomField: { key: "badge" }, filter: { search: "Sort" }) { totalCount } }`);
    expect(searched.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses filters on unknown, unfilterable or mistyped fields with a coded error', async () => {
    for (const custom of [
      [{ key: 'nope', eq: 'x' }],
      [{ key: 'notes', eq: 'x' }],
      [{ key: 'badge', eq: 'forty' }],
      [{ key: 'badge' }],
      [{ key: 'remote', eq: 'maybe' }],
      [{ key: 'medical_notes', eq: 'x' }],
    ]) {
      const res = await acme.gql(LIST, { filter: { custom } });
      expect(res.status).toBeLessThan(500);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('converts values on a safe type change and refuses one that existing values block, naming them', async () => {
    await defineField(acme.gql, 'Employee', { key: 'floor', label: 'Floor', type: 'TEXT', filterable: true });
    const a = (await hire(acme, [{ key: 'floor', text: '3' }])).data!.hireEmployee.employee!;
    const b = (await hire(acme, [{ key: 'floor', text: 'ground' }])).data!.hireEmployee.employee!;
    const refused = await acme.gql<Record<string, DefinitionPayload>>(CF.update('Employee'), { input: { key: 'floor', type: 'INTEGER' } });
    const errors = refused.data!.updateEmployeeCustomField!.userErrors;
    expect(errors.map((e) => [e.field, e.code])).toEqual([[['input', 'type'], 'CUSTOM_FIELD_VALUES_BLOCK_CHANGE']]);
    expect(errors[0]!.message).toContain(b.id);
    expect(errors[0]!.message).not.toContain(a.id);

    expect(errorsOf({ data: { hireEmployee: (await update(acme, b.id, [{ key: 'floor', text: '0' }])).data!.updateEmployeeDetails } })).toEqual([]);
    const converted = await acme.gql<Record<string, DefinitionPayload>>(CF.update('Employee'), {
      input: { key: 'floor', type: 'INTEGER', label: 'Floor number' },
    });
    expect(converted.data!.updateEmployeeCustomField!.userErrors).toEqual([]);
    expect(converted.data!.updateEmployeeCustomField!.definition).toMatchObject({ type: 'INTEGER', label: 'Floor number' });
    const read = await acme.gql<{ employee: { customFields: Value[] } }>(READ, { id: a.id });
    expect(read.data!.employee.customFields.find((v) => v.key === 'floor')).toMatchObject({ integer: 3, text: null, label: 'Floor number' });
    type Page = { employees: { totalCount: number } };
    expect((await acme.gql<Page>(LIST, { filter: { custom: [{ key: 'floor', gte: '1' }] } })).data!.employees.totalCount).toBe(1);

    // Removing an option in use is refused the same way.
    const options = await acme.gql<Record<string, DefinitionPayload>>(CF.update('Employee'), {
      input: { key: 'shirt_size', options: [{ value: 'S' }, { value: 'M' }] },
    });
    expect(options.data!.updateEmployeeCustomField!.userErrors.map((e) => e.code)).toEqual(['CUSTOM_FIELD_VALUES_BLOCK_CHANGE']);
  });

  it('archives a field: no new values, old ones readable on request, and the key stays taken', async () => {
    await defineField(acme.gql, 'Employee', { key: 'locker', label: 'Locker', type: 'TEXT' });
    const e = (await hire(acme, [{ key: 'locker', text: 'A1' }])).data!.hireEmployee.employee!;
    const archived = await acme.gql<Record<string, { definition: { archived: boolean } }>>(CF.archive('Employee'), { input: { key: 'locker' } });
    expect(archived.data!.archiveEmployeeCustomField!.definition).toEqual({ key: 'locker', archived: true });
    const read = await acme.gql<{ employee: { customFields: Value[]; archivedToo: Value[] } }>(READ, { id: e.id });
    expect(read.data!.employee.customFields.map((v) => v.key)).not.toContain('locker');
    expect(read.data!.employee.archivedToo.map((v) => v.key)).toContain('locker');
    const write = await update(acme, e.id, [{ key: 'locker', text: 'B2' }]);
    expect(write.data!.updateEmployeeDetails.userErrors.map((x) => [x.field, x.code])).toEqual([
      [['input', 'customFields', 'locker'], 'CUSTOM_FIELD_ARCHIVED'],
    ]);
    const again = await acme.gql<Record<string, DefinitionPayload>>(CF.define('Employee'), { input: { key: 'locker', label: 'Locker', type: 'TEXT' } });
    expect(again.data!.defineEmployeeCustomField!.userErrors.map((x) => x.code)).toEqual(['KEY_TAKEN']);
    const defs = await acme.gql<{ employeeCustomFields: Array<{ key: string }> }>(DEFINITIONS, {});
    expect(defs.data!.employeeCustomFields.map((d) => d.key)).not.toContain('locker');
  });

  it('hides a field from whoever lacks its read permission: definition, value, filter and write', async () => {
    const e = (
      await hire(acme, [
        { key: 'medical_notes', text: 'asthma' },
        { key: 'badge', integer: 5 },
      ])
    ).data!.hireEmployee.employee!;
    const viewer = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const read = await viewer.gql<{ employee: { customFields: Value[] } }>(
      `query($id: ID!) { employee(id: $id) { ${CF.values} hidden: customField(key: "medical_notes") { text } } }`,
      { id: e.id },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.employee.customFields.map((v) => v.key)).toEqual(['badge', 'remote']);
    expect((read.data!.employee as unknown as { hidden: unknown }).hidden).toBeNull();
    const defs = await viewer.gql<{ employeeCustomFields: Array<{ key: string }> }>(DEFINITIONS, {});
    expect(defs.data!.employeeCustomFields.map((d) => d.key)).not.toContain('medical_notes');
    const filter = await viewer.gql(LIST, { filter: { custom: [{ key: 'medical_notes', eq: 'asthma' }] } });
    expect(filter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const define = await viewer.gql<Record<string, DefinitionPayload>>(CF.define('Employee'), { input: { key: 'sneaky', label: 'x', type: 'TEXT' } });
    expect(define.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const manager = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
    const full = await manager.gql<{ employee: { customFields: Value[] } }>(READ, { id: e.id });
    expect(full.data!.employee.customFields.find((v) => v.key === 'medical_notes')).toMatchObject({ text: 'asthma' });
  });

  it('keeps each company to its own definitions and values', async () => {
    const defs = await beta.gql<{ employeeCustomFields: unknown[] }>(DEFINITIONS, { all: true });
    expect(defs.data!.employeeCustomFields).toEqual([]);
    const res = await hire(beta, [{ key: 'badge', integer: 1 }]);
    expect(errorsOf(res)).toEqual([[['input', 'customFields', 'badge'], 'CUSTOM_FIELD_UNKNOWN']]);
    const filter = await beta.gql(LIST, { filter: { custom: [{ key: 'shirt_size', eq: 'L' }] } });
    expect(filter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await defineField(beta.gql, 'Employee', { key: 'badge', label: 'Beta badge', type: 'TEXT' });
    const acmeDefs = await acme.gql<{ employeeCustomFields: Array<{ key: string; label: string; type: string }> }>(DEFINITIONS, {});
    expect(acmeDefs.data!.employeeCustomFields.find((d) => d.key === 'badge')).toMatchObject({ label: 'Badge number', type: 'INTEGER' });
  });

  it('refuses bad definitions with coded userErrors', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ key: 'Bad Key', label: 'x', type: 'TEXT' }, ['INVALID_KEY']],
      [{ key: 'ok_key', label: '', type: 'TEXT' }, ['REQUIRED']],
      [{ key: 'sel', label: 'x', type: 'SELECT' }, ['INVALID_OPTIONS']],
      [{ key: 'txt', label: 'x', type: 'TEXT', options: [{ value: 'a' }] }, ['OPTIONS_NOT_ALLOWED']],
      [{ key: 'num', label: 'x', type: 'INTEGER', validation: { pattern: 'a' } }, ['VALIDATION_NOT_ALLOWED']],
      [{ key: 'rx', label: 'x', type: 'TEXT', validation: { pattern: '(a+)+$' } }, ['INVALID_PATTERN']],
      [{ key: 'rng', label: 'x', type: 'DECIMAL', validation: { min: '5', max: '1' } }, ['INVALID_RANGE']],
      [{ key: 'perm', label: 'x', type: 'TEXT', readPermission: 'employees:manage' }, ['INVALID_PERMISSION']],
      [{ key: 'srch', label: 'x', type: 'INTEGER', searchable: true }, ['SEARCH_NOT_SUPPORTED']],
      [{ key: 'dflt', label: 'x', type: 'INTEGER', defaultValue: { text: 'x' } }, ['WRONG_VALUE_TYPE']],
      [{ key: 'badge', label: 'x', type: 'TEXT' }, ['KEY_TAKEN']],
    ];
    for (const [input, codes] of cases) {
      const res = await acme.gql<Record<string, DefinitionPayload>>(CF.define('Employee'), { input });
      expect(res.errors).toBeUndefined();
      expect([input.key, res.data!.defineEmployeeCustomField!.userErrors.map((e) => e.code)]).toEqual([input.key, codes]);
    }
  });
});

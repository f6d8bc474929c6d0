import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { DecryptionError, unwrapDataKey } from '../../platform/data-encryption';
import { rotateDataKey } from '../../subgraphs/employees/services/data-key-rotation';
import { DataKeyring, masterKeyFrom } from '../../subgraphs/employees/services/keyring';
import { decryptPersonalData } from '../../subgraphs/employees/services/personal-data';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { createCompany, type GatewayCompany, type Gql } from '../support/company';
import { expectRefused } from '../support/employees-fixtures';
import { member } from '../support/people';
import { startTestStack, type TestStack } from '../support/stack';

// Employees' personal data through the gateway: encrypted at rest, masked
// unless the caller may see it, every reveal audited, found by tax id through
// a blind index, and re-encrypted by a data key rotation (docs/personal-data.md).

const PERSONAL = `personalData { masked taxId iban dateOfBirth homeAddress { lines postalCode city country } emergencyContact { name phone relationship } }`;
const HIRE = `mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id ${PERSONAL} } userErrors { field code message } } }`;
const UPDATE = `mutation($input: UpdateEmployeeDetailsInput!) { updateEmployeeDetails(input: $input) { employee { id ${PERSONAL} } userErrors { field code message } } }`;
const ONE = `query($id: ID!) { employee(id: $id) { id ${PERSONAL} } }`;
const ALL = `{ employees(first: 100) { edges { node { id ${PERSONAL} } } } }`;
const BY_TAX_ID = `query($taxId: String!) { employeesByTaxId(taxId: $taxId) { id } }`;

interface PersonalData {
  masked: boolean;
  taxId: string | null;
  iban: string | null;
  dateOfBirth: string | null;
  homeAddress: { lines: string[]; postalCode: string | null; city: string | null; country: string } | null;
  emergencyContact: { name: string | null; phone: string | null; relationship: string } | null;
}
type EmployeeData = { id: string; personalData: PersonalData | null };

let t: TestStack;
let acme: GatewayCompany;
let globex: GatewayCompany;
let acmeDb: Kysely<EmployeesDB>;
let globexDb: Kysely<EmployeesDB>;
let serial = 0;

const ANA = {
  taxId: '123 456 789',
  iban: 'PT50 0002 0123 1234 5678 9015 4',
  dateOfBirth: '1990-04-01',
  homeAddress: { lines: ['Rua Augusta 1', '2º esq.'], postalCode: '1100-048', city: 'Lisboa', country: 'pt' },
  emergencyContact: { name: 'Rita Costa', phone: '+351 912 345 678', relationship: 'Spouse' },
};
const ANA_REVEALED: PersonalData = {
  masked: false,
  taxId: '123456789',
  iban: 'PT50000201231234567890154',
  dateOfBirth: '1990-04-01',
  homeAddress: { lines: ['Rua Augusta 1', '2º esq.'], postalCode: '1100-048', city: 'Lisboa', country: 'PT' },
  emergencyContact: { name: 'Rita Costa', phone: '+351 912 345 678', relationship: 'Spouse' },
};
let anaId: string;

/** A mutation that must succeed; its response reveals personal data, so its audit holds a reveal besides the change. */
async function mutate(company: GatewayCompany, query: string, field: string, variables: Record<string, unknown>): Promise<EmployeeData> {
  const res = await company.gql<Record<string, { employee: EmployeeData; userErrors: unknown[] }>>(query, variables);
  expect(res.errors).toBeUndefined();
  expect(res.data![field]!.userErrors).toEqual([]);
  return res.data![field]!.employee;
}

async function hire(company: GatewayCompany, personal: Record<string, unknown>): Promise<EmployeeData> {
  serial += 1;
  const input = { firstName: 'Pat', lastName: `Private${serial}`, email: `private${serial}@acme.example`, hireDate: '2026-01-05', ...personal };
  return mutate(company, HIRE, 'hireEmployee', { input });
}

async function personalDataAs(gql: Gql, id: string, requestId = `pd-${randomUUID()}`): Promise<PersonalData | null> {
  const res = await gql<{ employee: EmployeeData | null }>(ONE, { id }, { requestId });
  expect(res.errors).toBeUndefined();
  return res.data!.employee!.personalData;
}

function revealsOf(requestId: string) {
  return acme.tenantDb
    .selectFrom('audit.audit_log')
    .select(['operation', 'entity', 'entity_id', 'after', 'key_id', 'actor_email'])
    .where('request_id', '=', requestId)
    .orderBy('entity_id')
    .execute();
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Private Acme', modules: ['EMPLOYEES'] });
  globex = await createCompany(t, { name: 'Private Globex', modules: ['EMPLOYEES'] });
  acmeDb = acme.openTenantDb<EmployeesDB>();
  globexDb = globex.openTenantDb<EmployeesDB>();
  anaId = (await hire(acme, ANA)).id;
});
afterAll(async () => {
  await acmeDb?.destroy();
  await globexDb?.destroy();
  await acme?.tenantDb.destroy();
  await globex?.tenantDb.destroy();
  await t?.stop();
});

it('stores only ciphertexts: the plain tax id and IBAN appear nowhere in the tenant database', async () => {
  const row = await acmeDb.selectFrom('employees.employee_personal_data').selectAll().where('employee_id', '=', anaId).executeTakeFirstOrThrow();
  for (const column of ['tax_id', 'iban', 'date_of_birth', 'home_address', 'emergency_contact'] as const) {
    expect(row[column]).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  }
  expect(row.tax_id).not.toContain('123456789');
  expect(row.tax_id_index).toBeInstanceOf(Buffer);
  const { rows: tables } = await sql<{ name: string }>`
    SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`.execute(acmeDb);
  expect(tables.map((x) => x.name)).toContain('employees.employee_personal_data');
  for (const { name } of tables) {
    for (const plain of ['123456789', '123 456 789', 'PT50000201231234567890154', 'Rita Costa', '1990-04-01']) {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(name)} x WHERE x::text LIKE ${`%${plain}%`}`.execute(acmeDb);
      expect({ name, plain, n: Number(rows[0]!.n) }).toEqual({ name, plain, n: 0 });
    }
  }
});

it('masks personal data for a reader without employees:sensitive.read, and audits no reveal', async () => {
  const viewer = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_VIEWER' }] });
  const requestId = `masked-${randomUUID()}`;
  expect(await personalDataAs(viewer.gql, anaId, requestId)).toEqual({
    masked: true,
    taxId: '*****6789',
    iban: 'PT50 **** **** **** **** *015 4',
    dateOfBirth: null,
    homeAddress: { lines: [], postalCode: null, city: null, country: 'PT' },
    emergencyContact: { name: null, phone: null, relationship: 'Spouse' },
  });
  expect(await revealsOf(requestId)).toEqual([]);
  const lookup = await viewer.gql(BY_TAX_ID, { taxId: '123456789' });
  expect(lookup.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

it('reveals to an HR manager and to the employee themselves, writing one audit row per employee revealed', async () => {
  const manager = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
  const requestId = `reveal-${randomUUID()}`;
  expect(await personalDataAs(manager.gql, anaId, requestId)).toEqual(ANA_REVEALED);
  expect(await revealsOf(requestId)).toEqual([
    {
      operation: 'revealPersonalData',
      entity: 'employee',
      entity_id: anaId,
      after: { fields: ['taxId', 'iban', 'dateOfBirth', 'homeAddress', 'emergencyContact'] },
      key_id: null,
      actor_email: manager.email,
    },
  ]);

  const self = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'SELF_SERVICE' }], employeeId: anaId });
  const selfRequest = `self-${randomUUID()}`;
  expect(await personalDataAs(self.gql, anaId, selfRequest)).toEqual(ANA_REVEALED);
  expect((await revealsOf(selfRequest)).map((r) => [r.operation, r.entity_id, r.actor_email])).toEqual([['revealPersonalData', anaId, self.email]]);

  // A page of several employees: their reveals are audited together, one row each, none for those without data.
  const bo = await hire(acme, { iban: 'DE89 3704 0044 0532 0130 00' });
  const pageRequest = `page-${randomUUID()}`;
  const page = await manager.gql<{ employees: { edges: Array<{ node: EmployeeData }> } }>(ALL, {}, { requestId: pageRequest });
  const withData = page.data!.employees.edges.filter((e) => e.node.personalData !== null).map((e) => e.node.id);
  expect(withData.length).toBeGreaterThanOrEqual(2);
  const audited = await revealsOf(pageRequest);
  expect(audited.map((r) => r.entity_id).sort()).toEqual([...withData].sort());
  expect(audited.find((r) => r.entity_id === bo.id)?.after).toEqual({ fields: ['iban'] });
});

it('finds employees by tax id through the blind index, however the tax id is written', async () => {
  for (const written of ['123456789', '123.456.789', ' 123-456-789 ']) {
    const res = await acme.gql<{ employeesByTaxId: Array<{ id: string }> }>(BY_TAX_ID, { taxId: written });
    expect(res.errors).toBeUndefined();
    expect(res.data!.employeesByTaxId).toEqual([{ id: anaId }]);
  }
  const none = await acme.gql<{ employeesByTaxId: Array<{ id: string }> }>(BY_TAX_ID, { taxId: '987654321' });
  expect(none.data!.employeesByTaxId).toEqual([]);
  // The same tax id in another company is another index: Globex does not find Acme's employee.
  const elsewhere = await globex.gql<{ employeesByTaxId: Array<{ id: string }> }>(BY_TAX_ID, { taxId: '123456789' });
  expect(elsewhere.data!.employeesByTaxId).toEqual([]);
});

it('refuses a wrong IBAN checksum and other bad personal data at their fields, writing nothing', async () => {
  const input = { firstName: 'Bad', lastName: 'Iban', email: 'bad.iban@acme.example', hireDate: '2026-01-05' };
  await expectRefused(acme, HIRE, 'hireEmployee', { input: { ...input, iban: 'PT51 0002 0123 1234 5678 9015 4' } }, [[['input', 'iban'], 'INVALID_IBAN']]);
  await expectRefused(
    acme,
    UPDATE,
    'updateEmployeeDetails',
    { input: { employeeId: anaId, dateOfBirth: '2999-01-01', homeAddress: { ...ANA.homeAddress, country: 'XX' } } },
    [
      [['input', 'dateOfBirth'], 'DATE_IN_FUTURE'],
      [['input', 'homeAddress', 'country'], 'INVALID_COUNTRY'],
    ],
  );
});

it('updates one personal field and keeps the others', async () => {
  const cy = await hire(acme, { taxId: '555111222', dateOfBirth: '1985-02-03' });
  const employee = await mutate(acme, UPDATE, 'updateEmployeeDetails', { input: { employeeId: cy.id, iban: 'DE89370400440532013000' } });
  expect(employee.personalData).toMatchObject({
    masked: false,
    taxId: '555111222',
    iban: 'DE89370400440532013000',
    dateOfBirth: '1985-02-03',
  });
});

it("cannot decrypt a company's rows with another company's data key", async () => {
  await hire(globex, { taxId: '999888777' });
  const master = () => masterKeyFrom(t.database.config.secrets.dataMasterKey);
  const globexKey = await new DataKeyring(master, globex.tenant.id).current(globexDb);
  const acmeRow = await acmeDb.selectFrom('employees.employee_personal_data').selectAll().where('employee_id', '=', anaId).executeTakeFirstOrThrow();
  const acmeKey = await new DataKeyring(master, acme.tenant.id).key(acmeDb, acmeRow.key_version);
  expect(decryptPersonalData(acme.tenant.id, acmeRow, acmeKey).taxId).toBe('123456789');
  expect(globexKey.key.equals(acmeKey)).toBe(false);
  expect(() => decryptPersonalData(acme.tenant.id, acmeRow, globexKey.key)).toThrow(DecryptionError);
  // Acme's wrapped key, copied into Globex's database, does not unwrap as Globex's.
  const wrapped = await acmeDb.selectFrom('employees.data_key').select('wrapped_key').where('version', '=', 1).executeTakeFirstOrThrow();
  expect(() => unwrapDataKey(master(), wrapped.wrapped_key!, { tenantId: globex.tenant.id, version: 1 })).toThrow(DecryptionError);
});

it('rotates the data key in batches: every row re-encrypted, old versions decrypting midway, the old key retired at the end', async () => {
  for (let i = 0; i < 4; i += 1) await hire(acme, { taxId: `77700000${i}`, dateOfBirth: '1970-01-01' });
  const before = await acmeDb.selectFrom('employees.employee_personal_data').select(['employee_id', 'tax_id']).execute();
  expect(before.length).toBeGreaterThanOrEqual(6);
  const readAll = async () => {
    const res = await acme.gql<{ employees: { edges: Array<{ node: EmployeeData }> } }>(ALL);
    expect(res.errors).toBeUndefined();
    return new Map(res.data!.employees.edges.filter((e) => e.node.personalData).map((e) => [e.node.id, e.node.personalData]));
  };
  const expected = await readAll();
  const midway: Array<Record<number, number>> = [];
  const keyring = new DataKeyring(() => masterKeyFrom(t.database.config.secrets.dataMasterKey), acme.tenant.id);
  const result = await rotateDataKey(acmeDb, keyring, {
    batchSize: 2,
    onBatch: async () => {
      const versions = await acmeDb.selectFrom('employees.employee_personal_data').select('key_version').execute();
      midway.push(versions.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.key_version]: (acc[r.key_version] ?? 0) + 1 }), {}));
      // Both versions decrypt, through the API, and the tax id is found whichever key its row is under.
      expect(await readAll()).toEqual(expected);
      const found = await acme.gql<{ employeesByTaxId: Array<{ id: string }> }>(BY_TAX_ID, { taxId: '123456789' });
      expect(found.data!.employeesByTaxId).toEqual([{ id: anaId }]);
    },
  });
  expect(result).toMatchObject({ version: 2, resumed: false, total: before.length, done: before.length, retired: [1] });
  expect(midway.length).toBe(Math.ceil(before.length / 2));
  expect(midway[0]).toEqual({ 1: before.length - 2, 2: 2 });
  const after = await acmeDb.selectFrom('employees.employee_personal_data').select(['employee_id', 'tax_id', 'key_version']).execute();
  expect(after.every((r) => r.key_version === 2 && (r.tax_id === null || r.tax_id.startsWith('v2:')))).toBe(true);
  const beforeById = new Map(before.map((r) => [r.employee_id, r.tax_id]));
  expect(after.filter((r) => r.tax_id !== null && r.tax_id === beforeById.get(r.employee_id))).toEqual([]);
  expect(await acmeDb.selectFrom('employees.data_key').select(['version', 'wrapped_key']).orderBy('version').execute()).toEqual([
    { version: 1, wrapped_key: null },
    { version: 2, wrapped_key: expect.stringMatching(/:/) },
  ]);
  expect(await readAll()).toEqual(expected);

  // Running again with nothing left under an old key starts the next rotation.
  const again = await rotateDataKey(acmeDb, keyring, { batchSize: 100 });
  expect(again).toMatchObject({ version: 3, resumed: false, done: before.length, retired: [2] });
});

it('replays a keyed hire with personal data, and refuses the same key with another tax id', async () => {
  const input = {
    firstName: 'Ida',
    lastName: 'Empotent',
    email: 'ida@acme.example',
    hireDate: '2026-01-05',
    taxId: '424242424',
    idempotencyKey: `hire-${randomUUID()}`,
  };
  const first = await mutate(acme, HIRE, 'hireEmployee', { input });
  const replay = await mutate(acme, HIRE, 'hireEmployee', { input });
  expect(replay.id).toBe(first.id);
  const other = await acme.gql<{ hireEmployee: { userErrors: Array<{ field: string[]; code: string }> } }>(HIRE, { input: { ...input, taxId: '424242425' } });
  expect(other.data!.hireEmployee.userErrors.map((e) => [e.field, e.code])).toEqual([[['input', 'idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED']]);
});

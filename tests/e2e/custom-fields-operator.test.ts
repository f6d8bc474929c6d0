import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createCompany, type GatewayCompany } from '../support/company';
import { CF, defineField, type DefinitionPayload } from '../support/custom-fields';
import { signIn, tokensOf } from '../support/people';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// The operator manages a company's custom-field definitions through the gateway (docs/custom-fields.md, "The operator"):
// it names the company with X-Fluxo-Company and again in input.companyId, and reaches nothing else of the company.

const DEFINITIONS = `query($all: Boolean) { employeeCustomFields(includeArchived: $all) { key label readPermission archived } }`;
const ASSET_DEFINITIONS = `query { assetCustomFields(includeArchived: true) { key label archived } }`;
const HIRE = `mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id ${CF.values} } userErrors { field message code } } }`;

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;

type Client = <T = unknown>(document: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<T>>;

/** The operator (the admin token unless another credential is given), naming `companyId` in X-Fluxo-Company when given. */
const operatorFor =
  (companyId: string | null, token = t.adminToken): Client =>
  (document, variables) =>
    graphql(t.gatewayUrl, document, variables, { token, headers: companyId ? { 'x-fluxo-company': companyId } : {} });

/** A company key's client that also sends X-Fluxo-Company. */
const keyNaming =
  (company: GatewayCompany, companyId: string): Client =>
  (document, variables) =>
    graphql(t.gatewayUrl, document, variables, { token: company.secret, headers: { 'x-fluxo-company': companyId } });

const defined = (res: GraphQLResponse<Record<string, DefinitionPayload>>, field: string) => {
  expect(res.errors).toBeUndefined();
  expect(res.data![field]!.userErrors).toEqual([]);
  return res.data![field]!.definition!;
};

const refusal = (res: GraphQLResponse<unknown>) => {
  expect(res.status).toBeLessThan(500);
  return res.errors?.[0]?.extensions?.code;
};

const definitionCount = async (company: GatewayCompany, key: string) => {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM employees.custom_field_definition WHERE key = ${key}`.execute(company.tenantDb);
  return Number(rows[0]!.n);
};

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Operated', modules: ['EMPLOYEES', 'ASSETS'] });
  beta = await createCompany(t, { name: 'Beta Operated', modules: ['EMPLOYEES', 'ASSETS'] });
  await defineField(acme.gql, 'Employee', { key: 'medical_notes', label: 'Medical notes', type: 'TEXT', readPermission: 'employees:sensitive.read' });
}, 120_000);
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('the operator managing a company’s custom fields', () => {
  it('defines a field for the company it names; that company sees and uses it, another never does, and the audit names the operator', async () => {
    const operator = operatorFor(acme.companyId);
    const def = defined(
      await operator<Record<string, DefinitionPayload>>(CF.define('Employee'), {
        input: { companyId: acme.companyId, key: 'locker', label: 'Locker', type: 'TEXT', filterable: true },
      }),
      'defineEmployeeCustomField',
    );
    expect(def).toMatchObject({ key: 'locker', label: 'Locker', type: 'TEXT' });

    // The operator lists the company's definitions, those behind a read permission included.
    const listed = await operator<{ employeeCustomFields: Array<{ key: string }> }>(DEFINITIONS, { all: true });
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.employeeCustomFields.map((d) => d.key)).toEqual(['medical_notes', 'locker']);

    // The company's own key sees it and writes it.
    const own = await acme.gql<{ employeeCustomFields: Array<{ key: string }> }>(DEFINITIONS, {});
    expect(own.data!.employeeCustomFields.map((d) => d.key)).toContain('locker');
    const hired = await acme.gql<{ hireEmployee: { employee: { customFields: Array<{ key: string; text: string | null }> } | null; userErrors: unknown[] } }>(
      HIRE,
      {
        input: { firstName: 'Lock', lastName: 'Er', email: 'lock.er@acme.example', hireDate: '2026-02-02', customFields: [{ key: 'locker', text: 'A7' }] },
      },
    );
    expect(hired.data!.hireEmployee.userErrors).toEqual([]);
    expect(hired.data!.hireEmployee.employee!.customFields).toContainEqual(expect.objectContaining({ key: 'locker', text: 'A7' }));

    // Another company never sees it, through its key or through the operator naming it.
    const other = await beta.gql<{ employeeCustomFields: Array<{ key: string }> }>(DEFINITIONS, { all: true });
    expect(other.data!.employeeCustomFields).toEqual([]);
    const operatorOnBeta = await operatorFor(beta.companyId)<{ employeeCustomFields: Array<{ key: string }> }>(DEFINITIONS, { all: true });
    expect(operatorOnBeta.errors).toBeUndefined();
    expect(operatorOnBeta.data!.employeeCustomFields).toEqual([]);
    expect(await definitionCount(beta, 'locker')).toBe(0);

    const { rows } = await sql<{ key_id: string | null; credential: string | null; actor_user_id: string | null; entity: string }>`
      SELECT key_id, credential, actor_user_id, entity FROM audit.audit_log WHERE operation = 'defineEmployeeCustomField' AND entity_id = ${def.id as string}`.execute(
      acme.tenantDb,
    );
    expect(rows).toEqual([{ key_id: null, credential: 'ADMIN_TOKEN', actor_user_id: null, entity: 'custom_field_definition' }]);
  });

  it('changes and archives a field, of employees and of assets, naming the company each time', async () => {
    const operator = operatorFor(beta.companyId);
    defined(
      await operator<Record<string, DefinitionPayload>>(CF.define('Asset'), {
        input: { companyId: beta.companyId, key: 'warranty', label: 'Warranty', type: 'DATE' },
      }),
      'defineAssetCustomField',
    );
    const changed = defined(
      await operator<Record<string, DefinitionPayload>>(CF.update('Asset'), { input: { companyId: beta.companyId, key: 'warranty', label: 'Warranty until' } }),
      'updateAssetCustomField',
    );
    expect(changed.label).toBe('Warranty until');
    const archived = await operator<Record<string, { definition: { key: string; archived: boolean } }>>(CF.archive('Asset'), {
      input: { companyId: beta.companyId, key: 'warranty' },
    });
    expect(archived.errors).toBeUndefined();
    expect(archived.data!.archiveAssetCustomField!.definition).toEqual({ key: 'warranty', archived: true });
    const assets = await beta.gql<{ assetCustomFields: Array<{ key: string; label: string; archived: boolean }> }>(ASSET_DEFINITIONS);
    expect(assets.data!.assetCustomFields).toEqual([{ key: 'warranty', label: 'Warranty until', archived: true }]);
    expect((await acme.gql<{ assetCustomFields: unknown[] }>(ASSET_DEFINITIONS)).data!.assetCustomFields).toEqual([]);

    defined(
      await operator<Record<string, DefinitionPayload>>(CF.define('Employee'), {
        input: { companyId: beta.companyId, key: 'desk', label: 'Desk', type: 'TEXT' },
      }),
      'defineEmployeeCustomField',
    );
    const renamed = defined(
      await operator<Record<string, DefinitionPayload>>(CF.update('Employee'), { input: { companyId: beta.companyId, key: 'desk', label: 'Desk number' } }),
      'updateEmployeeCustomField',
    );
    expect(renamed.label).toBe('Desk number');
    const gone = await operator<Record<string, { definition: { archived: boolean } }>>(CF.archive('Employee'), {
      input: { companyId: beta.companyId, key: 'desk' },
    });
    expect(gone.data!.archiveEmployeeCustomField!.definition).toEqual({ key: 'desk', archived: true });
  });

  it('refuses the operator a company-less change, a companyId other than the header’s, and one without companyId', async () => {
    const input = { key: 'operator_note', label: 'Operator note', type: 'TEXT' };
    for (const entity of ['Employee', 'Asset'] as const) {
      expect(refusal(await operatorFor(null)(CF.define(entity), { input: { ...input, companyId: acme.companyId } }))).toBe('FORBIDDEN');
      expect(refusal(await operatorFor(acme.companyId)(CF.define(entity), { input: { ...input, companyId: beta.companyId } }))).toBe('FORBIDDEN');
      expect(refusal(await operatorFor(acme.companyId)(CF.define(entity), { input }))).toBe('FORBIDDEN');
    }
    expect(refusal(await operatorFor(acme.companyId)(CF.update('Employee'), { input: { key: 'medical_notes', label: 'x', companyId: beta.companyId } }))).toBe(
      'FORBIDDEN',
    );
    expect(await definitionCount(acme, 'operator_note')).toBe(0);
    expect(await definitionCount(beta, 'operator_note')).toBe(0);
  });

  it('gives the operator nothing else of the company: no hiring, no employees, no assets, no asset registration', async () => {
    const operator = operatorFor(acme.companyId);
    const hire = await operator(HIRE, { input: { firstName: 'No', lastName: 'Body', email: 'no.body@acme.example', hireDate: '2026-02-02' } });
    expect(refusal(hire)).toBe('FORBIDDEN');
    expect(refusal(await operator('{ employees(first: 5) { totalCount } }'))).toBe('FORBIDDEN');
    expect(refusal(await operator('{ assets(first: 5) { totalCount } }'))).toBe('FORBIDDEN');
    const register = await operator('mutation($input: RegisterAssetInput!) { registerAsset(input: $input) { userErrors { code } } }', {
      input: {
        tag: 'OP-1',
        name: 'Laptop',
        category: 'IT',
        acquisitionDate: '2026-01-01',
        acquisitionCost: { amount: '1000', currency: 'EUR' },
        usefulLifeMonths: 36,
        depreciationMethod: 'STRAIGHT_LINE',
      },
    });
    expect(refusal(register)).toBe('FORBIDDEN');
    const employees = await sql<{ n: string }>`SELECT count(*) AS n FROM employees.employee WHERE last_name = 'Body'`.execute(acme.tenantDb);
    expect(employees.rows[0]!.n).toBe('0');
    const assets = await sql<{ n: string }>`SELECT count(*) AS n FROM assets.asset WHERE tag = 'OP-1'`.execute(acme.tenantDb);
    expect(assets.rows[0]!.n).toBe('0');
  });

  it('refuses a company credential that sends X-Fluxo-Company, even naming its own company, and any anonymous one', async () => {
    expect(refusal(await keyNaming(acme, beta.companyId)(DEFINITIONS))).toBe('FORBIDDEN');
    const own = await keyNaming(acme, acme.companyId)(DEFINITIONS);
    expect(own.status).toBe(403);
    expect(own.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'COMPANY_HEADER_NOT_ALLOWED' });
    const anonymous = await graphql(t.gatewayUrl, '{ plans { code } }', {}, { headers: { 'x-fluxo-company': acme.companyId } });
    expect(refusal(anonymous)).toBe('FORBIDDEN');
  });

  it('lets a company key name its own company in companyId, never another', async () => {
    const own = await acme.gql<Record<string, DefinitionPayload>>(CF.define('Employee'), {
      input: { companyId: acme.companyId, key: 'own_named', label: 'Own', type: 'TEXT' },
    });
    defined(own, 'defineEmployeeCustomField');
    const other = await acme.gql(CF.define('Employee'), { input: { companyId: beta.companyId, key: 'cross_named', label: 'Cross', type: 'TEXT' } });
    expect(refusal(other)).toBe('FORBIDDEN');
    const archiveOther = await acme.gql(CF.archive('Employee'), { input: { companyId: beta.companyId, key: 'own_named' } });
    expect(refusal(archiveOther)).toBe('FORBIDDEN');
    expect(await definitionCount(acme, 'cross_named')).toBe(0);
    expect(await definitionCount(beta, 'cross_named')).toBe(0);
  });

  it('answers a header naming no active company with a coded error, never a 500', async () => {
    const unknown = await operatorFor(randomUUID())(DEFINITIONS);
    expect(unknown.status).toBe(403);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'COMPANY_NOT_ACTIVE' });
    const malformed = await operatorFor('acme')(DEFINITIONS);
    expect(malformed.status).toBe(400);
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_COMPANY_ID' });

    const gamma = await createCompany(t, { name: 'Gamma Suspended', modules: ['EMPLOYEES'] });
    try {
      expect((await operatorFor(gamma.companyId)(DEFINITIONS)).errors).toBeUndefined();
      await t.database.db.updateTable('tenant').set({ status: 'SUSPENDED' }).where('company_id', '=', gamma.companyId).execute();
      const suspended = await operatorFor(gamma.companyId)(DEFINITIONS);
      expect(suspended.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'COMPANY_NOT_ACTIVE' });
    } finally {
      await gamma.tenantDb.destroy();
    }
  });

  it('accepts an operator’s session like the admin token, and the audit names the person', async () => {
    const created = await graphql<{ createOperator: { userErrors: unknown[] } }>(
      t.gatewayUrl,
      'mutation($input: CreateOperatorInput!) { createOperator(input: $input) { userErrors { code } } }',
      { input: { email: 'fields.operator@fluxo.example', password: 'an operator password' } },
      { token: t.adminToken },
    );
    expect(created.data!.createOperator.userErrors).toEqual([]);
    const session = tokensOf((await signIn(t, { email: 'fields.operator@fluxo.example', password: 'an operator password' })).data!.signIn);
    const operator = operatorFor(acme.companyId, session.accessToken);
    const def = defined(
      await operator<Record<string, DefinitionPayload>>(CF.define('Employee'), {
        input: { companyId: acme.companyId, key: 'by_person', label: 'By a person', type: 'TEXT' },
      }),
      'defineEmployeeCustomField',
    );
    const { rows } = await sql<{ credential: string | null; actor_email: string | null }>`
      SELECT credential, actor_email FROM audit.audit_log WHERE operation = 'defineEmployeeCustomField' AND entity_id = ${def.id as string}`.execute(
      acme.tenantDb,
    );
    expect(rows).toEqual([{ credential: 'SESSION', actor_email: 'fields.operator@fluxo.example' }]);
  });
});

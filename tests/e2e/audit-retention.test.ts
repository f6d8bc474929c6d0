import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// How long a company's audit trail is kept is the operator's to set, through
// the gateway, and the change itself is audited.

let t: TestStack;
let acme: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Retention', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const SET = `mutation($input: SetAuditRetentionInput!) {
  setAuditRetention(input: $input) { company { id auditRetentionYears } userErrors { field code } }
}`;
interface SetResult {
  setAuditRetention: { company: { id: string; auditRetentionYears: number } | null; userErrors: Array<{ field: string[]; code: string }> };
}

it('lets the operator set the retention, and audits it', async () => {
  const res = await graphql<SetResult>(t.gatewayUrl, SET, { input: { companyId: acme.companyId, years: 10 } }, { token: t.adminToken });
  expect(res.errors).toBeUndefined();
  expect(res.data!.setAuditRetention).toEqual({ company: { id: acme.companyId, auditRetentionYears: 10 }, userErrors: [] });
  const audit = await t.database.db
    .selectFrom('audit_log')
    .select(['actor_kind', 'credential', 'entity_id', 'before', 'after'])
    .where('operation', '=', 'setAuditRetention')
    .execute();
  expect(audit).toEqual([
    { actor_kind: 'ADMIN', credential: 'ADMIN_TOKEN', entity_id: acme.companyId, before: { auditRetentionYears: 5 }, after: { auditRetentionYears: 10 } },
  ]);
});

it('refuses a retention out of range as a user error', async () => {
  const res = await graphql<SetResult>(t.gatewayUrl, SET, { input: { companyId: acme.companyId, years: 0 } }, { token: t.adminToken });
  expect(res.data!.setAuditRetention).toEqual({ company: null, userErrors: [{ field: ['input', 'years'], code: 'INVALID_RETENTION' }] });
});

it("refuses the company's own key", async () => {
  const res = await acme.gql<SetResult>(SET, { input: { companyId: acme.companyId, years: 1 } });
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  const row = await t.database.db.selectFrom('company').select('audit_retention_years').where('id', '=', acme.companyId).executeTakeFirstOrThrow();
  expect(row.audit_retention_years).toBe(10);
});

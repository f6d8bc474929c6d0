import { randomUUID } from 'node:crypto';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { member } from '../support/people';
import { mutateOk, payrollOperation } from '../support/payroll-fixtures';
import { exampleVariables, graphql, keysEvicted, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// removeCompanyModules, the counterpart of addCompanyModules: the operator
// unsubscribes a company from a module, every credential of the company loses
// it at once on every gateway, and the tenant's data stays for when the
// module comes back.

let t: TestStack;
let acme: GatewayCompany<'payrollOnly' | 'mixed'>;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, {
    name: 'Acme Removal',
    modules: ['EMPLOYEES', 'PAYROLL'],
    keys: { payrollOnly: { modules: ['PAYROLL'] }, mixed: { modules: ['EMPLOYEES', 'PAYROLL'] } },
  });
}, 60_000);
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const REMOVE = `mutation($input: RemoveCompanyModulesInput!) { removeCompanyModules(input: $input) { company { id modules } userErrors { field code } } }`;
const ADD = `mutation($input: AddCompanyModulesInput!) { addCompanyModules(input: $input) { company { modules } userErrors { code } } }`;
const ME = `query { me { modules accessKey { modules } } }`;
type RemovePayload = {
  removeCompanyModules: { company: { id: string; modules: string[] } | null; userErrors: Array<{ field: string[] | null; code: string }> };
};
type MeView = { me: { modules: string[]; accessKey: { modules: string[] } | null } };

const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code;
const asOperator = <T>(query: string, input: Record<string, unknown>) => graphql<T>(t.gatewayUrl, query, { input }, { token: t.adminToken });
const readPayRun = (gql: GatewayCompany['gql'], id: string) => gql<{ payRun: { id: string; status: string } | null }>(payrollOperation('PayRun'), { id });

async function companyModules(): Promise<string[]> {
  return (await t.database.db.selectFrom('company').select('modules').where('id', '=', acme.companyId).executeTakeFirstOrThrow()).modules;
}

describe('removeCompanyModules', () => {
  let payRunId: string;
  let owner: Awaited<ReturnType<typeof member>>;
  let personalToken: string;

  beforeAll(async () => {
    const created = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', exampleVariables('CreatePayRun'));
    payRunId = created.payRun.id;
    owner = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'OWNER' }] });
    const token = await owner.gql<{ createPersonalToken: { secret: string | null } }>(
      'mutation($input: CreatePersonalTokenInput!) { createPersonalToken(input: $input) { secret } }',
      { input: { name: 'sandbox' } },
    );
    personalToken = token.data!.createPersonalToken.secret!;
  });

  it('is refused to the company’s own key and people, and changes nothing', async () => {
    const input = { companyId: acme.companyId, modules: ['PAYROLL'] };
    for (const caller of [acme.gql, owner.gql]) expect(codeOf(await caller(REMOVE, { input }))).toBe('FORBIDDEN');
    expect(codeOf(await graphql(t.gatewayUrl, REMOVE, { input }))).not.toBeUndefined();
    expect(await companyModules()).toEqual(['EMPLOYEES', 'PAYROLL']);
    expect((await readPayRun(acme.keys.mixed.gql, payRunId)).data!.payRun!.id).toBe(payRunId);
  });

  it('answers coded userErrors for what cannot be removed', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ companyId: randomUUID(), modules: ['PAYROLL'] }, 'NOT_FOUND'],
      [{ companyId: 'not-a-uuid', modules: ['PAYROLL'] }, 'NOT_FOUND'],
      [{ companyId: acme.companyId, modules: [] }, 'NO_MODULES'],
      [{ companyId: acme.companyId, modules: ['ASSETS'] }, 'MODULE_NOT_SUBSCRIBED'],
      [{ companyId: acme.companyId, modules: ['PAYROLL', 'FINANCE'] }, 'MODULE_NOT_SUBSCRIBED'],
      [{ companyId: acme.companyId, modules: ['EMPLOYEES', 'PAYROLL'] }, 'NO_MODULES_LEFT'],
    ];
    for (const [input, code] of cases) {
      const res = await asOperator<RemovePayload>(REMOVE, input);
      expect(res.errors).toBeUndefined();
      expect(res.data!.removeCompanyModules.userErrors.map((e) => e.code)).toEqual([code]);
      expect(res.data!.removeCompanyModules.company).toBeNull();
    }
    expect(await companyModules()).toEqual(['EMPLOYEES', 'PAYROLL']);
  });

  it('takes the module from every key, token and session at once, and audits it', async () => {
    const evicted = keysEvicted(t.stack.gateway.keys, [`company:${acme.companyId}`], 1000);
    const res = await asOperator<RemovePayload>(REMOVE, { companyId: acme.companyId, modules: ['PAYROLL'] });
    expect(res.data!.removeCompanyModules).toEqual({ company: { id: acme.companyId, modules: ['EMPLOYEES'] }, userErrors: [] });
    await evicted;

    // A key that used PAYROLL is refused it; the rest of its grant still works.
    expect(codeOf(await readPayRun(acme.keys.mixed.gql, payRunId))).toBe('MODULE_NOT_SUBSCRIBED');
    expect((await acme.keys.mixed.gql<MeView>(ME)).data!.me).toEqual({ modules: ['EMPLOYEES'], accessKey: { modules: ['EMPLOYEES'] } });
    expect(codeOf(await readPayRun(acme.gql, payRunId))).toBe('MODULE_NOT_SUBSCRIBED');
    // A key left with no module is revoked.
    expect(codeOf(await acme.keys.payrollOnly.gql(ME))).toBe('UNAUTHENTICATED');
    // People and their personal tokens lose it too.
    expect(codeOf(await readPayRun(owner.gql, payRunId))).toBe('MODULE_NOT_SUBSCRIBED');
    expect((await owner.gql<MeView>(ME)).data!.me.modules).toEqual(['EMPLOYEES']);
    const tokenRun = await graphql(t.gatewayUrl, payrollOperation('PayRun'), { id: payRunId }, { token: personalToken });
    expect(codeOf(tokenRun)).toBe('MODULE_NOT_SUBSCRIBED');

    const keys = await t.database.db.selectFrom('access_key').select(['id', 'modules', 'revoked_at']).where('company_id', '=', acme.companyId).execute();
    expect(keys.filter((k) => k.revoked_at === null).every((k) => !k.modules.includes('PAYROLL'))).toBe(true);
    expect(keys.find((k) => k.id === acme.keys.payrollOnly.keyId)!.revoked_at).not.toBeNull();

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['entity', 'entity_id', 'actor_kind', 'before', 'after'])
      .where('operation', '=', 'removeCompanyModules')
      .orderBy('id')
      .execute();
    expect(audit).toContainEqual({
      entity: 'company',
      entity_id: acme.companyId,
      actor_kind: 'ADMIN',
      before: { modules: ['EMPLOYEES', 'PAYROLL'] },
      after: { modules: ['EMPLOYEES'] },
    });
    expect(audit.filter((a) => a.entity === 'access_key').map((a) => a.entity_id)).toEqual(
      expect.arrayContaining([acme.keyId, acme.keys.mixed.keyId, acme.keys.payrollOnly.keyId]),
    );
  });

  it('keeps the tenant’s data: re-adding the module brings the old pay run back for keys issued with it', async () => {
    const added = await asOperator<{ addCompanyModules: { company: { modules: string[] }; userErrors: unknown[] } }>(ADD, {
      companyId: acme.companyId,
      modules: ['PAYROLL'],
    });
    expect(added.data!.addCompanyModules).toEqual({ company: { modules: ['EMPLOYEES', 'PAYROLL'] }, userErrors: [] });

    const fresh = await issueKey(t, acme, ['PAYROLL']);
    const back = await readPayRun(fresh.gql, payRunId);
    expect(back.errors).toBeUndefined();
    expect(back.data!.payRun).toMatchObject({ id: payRunId, status: 'DRAFT' });
    // People hold what their roles give within the company's modules, so the owner has it again.
    expect((await readPayRun(owner.gql, payRunId)).data!.payRun!.id).toBe(payRunId);
    // A key narrowed by the removal stays narrowed: it is not silently widened again.
    expect(codeOf(await readPayRun(acme.keys.mixed.gql, payRunId))).toBe('MODULE_NOT_SUBSCRIBED');
  });
});

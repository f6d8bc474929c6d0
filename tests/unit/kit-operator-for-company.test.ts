import type { GraphQLError } from 'graphql';
import { createLogger } from '../../platform/logger';
import type { TenantContext } from '../../platform/tenant-context';
import { requireModule, type BaseContext } from '../../subgraphs/kit/context';
import { canReadField, checkNamedCompany } from '../../subgraphs/kit/custom-fields/request';
import { guardResolvers, type PermissionMap } from '../../subgraphs/kit/permissions';
import { operatorGrants } from '../../gateway/operator-company';

// The operator acting for a company (X-Fluxo-Company): admitted by the fields whose rule lists OPERATOR_FOR_COMPANY, and
// by requireModule only inside them; refused everywhere else (docs/custom-fields.md, "The operator").

const tenant = { id: 'tenant-1', slug: 'acme', companyId: 'company-1', database: 'db_acme', shard: 'default', companyModules: ['EMPLOYEES' as const] };
const logger = createLogger('test', 'silent');

function contextOf(caller: Partial<TenantContext>): BaseContext {
  const full: TenantContext = {
    requestId: 'r-1',
    kind: 'ADMIN',
    keyId: null,
    user: null,
    sessionId: null,
    clientAddress: null,
    tenant,
    modules: ['EMPLOYEES'],
    grants: operatorGrants(['EMPLOYEES']),
    ...caller,
  };
  return { requestId: 'r-1', caller: full, logger };
}

const operator = contextOf({});
const companyKey = contextOf({
  kind: 'STANDARD',
  keyId: 'key-1',
  grants: { permissions: ['company:settings.manage', 'employees:directory.read', 'employees:manage'], scoped: {} },
});

const map: PermissionMap = {
  Query: { employeeCustomFields: ['employees:directory.read', 'OPERATOR_FOR_COMPANY'], employees: 'employees:directory.read' },
  Mutation: { defineEmployeeCustomField: ['company:settings.manage', 'OPERATOR_FOR_COMPANY'], hireEmployee: 'employees:manage' },
};
type Field = (parent: unknown, args: unknown, ctx: BaseContext, info: unknown) => Promise<unknown>;
// Every resolver opens the tenant, as module resolvers do through ctx.db().
const opens = async (_p: unknown, _a: unknown, ctx: BaseContext) => {
  await Promise.resolve();
  return requireModule(ctx, 'EMPLOYEES').companyId;
};
const guarded = guardResolvers(
  { Query: { employeeCustomFields: opens, employees: opens }, Mutation: { defineEmployeeCustomField: opens, hireEmployee: opens } },
  map,
) as unknown as Record<string, Record<string, Field>>;
/** The code a field's guard or resolver refuses with, thrown at once or rejected; OK when it answers. */
async function codeOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return 'OK';
  } catch (error) {
    return (error as GraphQLError).extensions?.code;
  }
}

describe('OPERATOR_FOR_COMPANY', () => {
  it('admits the operator acting for a company to the fields that opt in, and to their tenant', async () => {
    expect(await guarded.Query!.employeeCustomFields!(null, {}, operator, null)).toBe('company-1');
    expect(await guarded.Mutation!.defineEmployeeCustomField!(null, {}, operator, null)).toBe('company-1');
  });

  it('refuses it every other field, even with its signed read grant, and requireModule outside an opted-in field', async () => {
    expect(await codeOf(() => guarded.Query!.employees!(null, {}, operator, null))).toBe('FORBIDDEN');
    expect(await codeOf(() => guarded.Mutation!.hireEmployee!(null, {}, operator, null))).toBe('FORBIDDEN');
    expect(() => requireModule(operator, 'EMPLOYEES')).toThrow('custom-field definitions only');
  });

  it('does not lend one field’s admission to a field resolved beside it', async () => {
    const inside = guarded.Query!.employeeCustomFields!(null, {}, operator, null);
    expect(() => requireModule(operator, 'EMPLOYEES')).toThrow();
    expect(await inside).toBe('company-1');
  });

  it('refuses the operator naming no company, and leaves company credentials as they were', async () => {
    const bare = contextOf({ tenant: null, modules: [], grants: { permissions: [], scoped: {} } });
    expect(await codeOf(() => guarded.Mutation!.defineEmployeeCustomField!(null, {}, bare, null))).toBe('FORBIDDEN');
    expect(await guarded.Mutation!.hireEmployee!(null, {}, companyKey, null)).toBe('company-1');
    expect(await guarded.Query!.employees!(null, {}, companyKey, null)).toBe('company-1');
  });

  it('shows the operator the definitions its grant reads, and checks the company a change names', () => {
    expect(canReadField(operator, { readPermission: 'employees:sensitive.read' })).toBe(true);
    expect(canReadField(contextOf({ grants: { permissions: ['company:settings.manage'], scoped: {} } }), { readPermission: 'employees:sensitive.read' })).toBe(
      false,
    );
    expect(() => checkNamedCompany(operator, 'company-1')).not.toThrow();
    expect(() => checkNamedCompany(operator, null)).toThrow('input.companyId');
    expect(() => checkNamedCompany(operator, 'company-2')).toThrow('not the company');
    expect(() => checkNamedCompany(companyKey, undefined)).not.toThrow();
    expect(() => checkNamedCompany(companyKey, 'company-1')).not.toThrow();
    expect(() => checkNamedCompany(companyKey, 'company-2')).toThrow('not the company');
  });
});

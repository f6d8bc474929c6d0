import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';
import { GraphQLError, GraphQLObjectType, isObjectType } from 'graphql';
import { MODULES, moduleSchema, type ModuleName } from '../../platform/modules';
import { fullGrants, isPermission, NO_GRANTS, permissionModule, PERMISSIONS, type Grants } from '../../platform/permissions';
import type { TenantContext } from '../../platform/tenant-context';
import type { BaseContext } from '../../subgraphs/kit/context';
import { authorize, guardResolvers, isFieldRule, type FieldPermission, type PermissionMap } from '../../subgraphs/kit/permissions';
import { subgraphSdl } from '../../subgraphs/kit/sdl';
import { discoverSubgraphs } from '../../platform/subgraphs';
import path from 'node:path';

/** Every subgraph found by folder, as the stack finds them: a new module is checked without being listed here. */
const SUBGRAPHS: Array<{ name: string; module: ModuleName | null; map: PermissionMap; resolvers: object }> = discoverSubgraphs().map((manifest) => {
  const folder = path.join(__dirname, '..', '..', 'subgraphs', manifest.name);
  /* eslint-disable @typescript-eslint/no-require-imports -- modules found by folder, as the stack loads them */
  const { permissions } = require(path.join(folder, 'permissions')) as { permissions: PermissionMap };
  const { resolvers } = require(path.join(folder, 'resolvers')) as { resolvers: object };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const module = MODULES.find((m) => moduleSchema(m) === manifest.name) ?? null;
  return { name: manifest.name, module, map: permissions, resolvers };
});

const rulesOf = (rule: FieldPermission): readonly string[] => (typeof rule === 'string' ? [rule] : rule);

describe.each(SUBGRAPHS)('the $name subgraph’s permission map', ({ name, module, map, resolvers }) => {
  const schema = buildSubgraphSchema({ typeDefs: gql(subgraphSdl(name)) });
  const resolverMap = resolvers as Record<string, Record<string, unknown>>;

  it('names a rule for every Query and Mutation field', () => {
    const missing: string[] = [];
    for (const root of ['Query', 'Mutation']) {
      const type = schema.getType(root) as GraphQLObjectType | undefined;
      for (const field of Object.keys(type?.getFields() ?? {})) {
        if (field.startsWith('_')) continue; // _entities and _service: federation's, reached only with the gateway's signed context
        if (!map[root]?.[field]) missing.push(`${root}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names a rule for every entity it resolves by reference', () => {
    const missing = Object.entries(resolverMap)
      .filter(([, fields]) => typeof fields === 'object' && fields !== null && '__resolveReference' in fields)
      .map(([type]) => type)
      .filter((type) => !map[type]?.__resolveReference);
    expect(missing).toEqual([]);
  });

  it('names only fields that exist, rules of the catalogue, and permissions of its own module or the company', () => {
    const problems: string[] = [];
    for (const [typeName, fields] of Object.entries(map)) {
      const type = schema.getType(typeName);
      if (!type || !isObjectType(type)) {
        problems.push(`${typeName} is not an object type`);
        continue;
      }
      for (const [field, rule] of Object.entries(fields)) {
        if (field !== '__resolveReference' && !type.getFields()[field]) problems.push(`${typeName}.${field} does not exist`);
        for (const r of rulesOf(rule)) {
          if (!isFieldRule(r)) problems.push(`${typeName}.${field}: ${r} is not a rule`);
          else if (isPermission(r) && permissionModule(r) !== null && permissionModule(r) !== module)
            problems.push(`${typeName}.${field}: ${r} is another module's`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('guards every mapped field (the map builds over the resolvers)', () => {
    expect(() => guardResolvers(resolvers, map)).not.toThrow();
  });

  if (module) {
    it(`has every ${module} permission of the catalogue used by some field`, () => {
      const used = new Set(Object.values(map).flatMap((fields) => Object.values(fields).flatMap(rulesOf)));
      const own = Object.keys(PERMISSIONS).filter((p) => isPermission(p) && permissionModule(p) === module);
      expect(own.filter((p) => !used.has(p))).toEqual([]);
      expect(moduleSchema(module)).toBe(name);
    });
  }
});

describe('authorize', () => {
  const tenant = { id: 't', slug: 'acme', companyId: 'c', database: 'd', shard: 's', companyModules: [...MODULES] };
  const ctx = (caller: Partial<TenantContext>, grants: Grants = NO_GRANTS): BaseContext =>
    ({
      requestId: 'r',
      caller: { requestId: 'r', kind: 'USER', keyId: null, user: { id: 'u', email: 'u@x' }, tenant, modules: [...MODULES], grants, ...caller },
    }) as BaseContext;
  const codeOf = (run: () => void): unknown => {
    try {
      run();
      return 'ALLOWED';
    } catch (error) {
      return (error as GraphQLError).extensions.code;
    }
  };

  it('lets a held permission through and refuses a missing one with FORBIDDEN naming it', () => {
    const hr = ctx({}, { permissions: ['employees:directory.read'], scoped: {} });
    expect(codeOf(() => authorize(hr, 'employees:directory.read'))).toBe('ALLOWED');
    expect(codeOf(() => authorize(hr, 'employees:manage'))).toBe('FORBIDDEN');
    try {
      authorize(hr, 'employees:manage');
    } catch (error) {
      expect((error as GraphQLError).extensions.permission).toBe('employees:manage');
    }
  });

  it('keeps the module gate on top: a permission of a module the company lacks is MODULE_NOT_SUBSCRIBED', () => {
    const noPayroll = ctx({ tenant: { ...tenant, companyModules: ['EMPLOYEES'] }, modules: ['EMPLOYEES'] }, { permissions: ['payroll:runs.read'], scoped: {} });
    expect(codeOf(() => authorize(noPayroll, 'payroll:runs.read'))).toBe('MODULE_NOT_SUBSCRIBED');
  });

  it('refuses the anonymous with UNAUTHENTICATED and a company caller the operator’s fields with FORBIDDEN', () => {
    const anonymous = ctx({ kind: 'ANONYMOUS', user: null, sessionId: null, clientAddress: null, tenant: null, modules: [] });
    expect(codeOf(() => authorize(anonymous, 'finance:ledger.read'))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => authorize(anonymous, 'PUBLIC'))).toBe('ALLOWED');
    const key = ctx({ kind: 'STANDARD', keyId: 'k', user: null }, fullGrants(MODULES));
    expect(codeOf(() => authorize(key, 'OPERATOR'))).toBe('FORBIDDEN');
    expect(codeOf(() => authorize(key, ['OPERATOR', 'company:keys.manage']))).toBe('ALLOWED');
    const operator = ctx({ kind: 'ADMIN', user: null, sessionId: null, clientAddress: null, tenant: null, modules: [] });
    expect(codeOf(() => authorize(operator, 'employees:directory.read'))).toBe('FORBIDDEN');
  });
});

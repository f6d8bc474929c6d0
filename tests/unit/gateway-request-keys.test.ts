import { HeaderMap, type GraphQLRequestContext } from '@apollo/server';
import type { Caller } from '../../gateway/caller';
import type { GatewayContext } from '../../gateway/context';
import { callerIdentity, operationKey } from '../../gateway/request-keys';

const caller = {
  kind: 'STANDARD',
  keyId: 'key-1',
  user: null,
  sessionId: null,
  tenant: { id: 'tenant-1', slug: 'acme', companyId: 'company-1', database: 'db_acme', shard: 'default', companyModules: ['EMPLOYEES'] },
  modules: ['EMPLOYEES'],
  grants: { permissions: ['employees:directory.read'], scoped: {} },
} as unknown as Caller;

const contextOf = (who: Caller, clientAddress = '10.0.0.1') =>
  ({ caller: who, clientAddress, signedCaller: { ...who, clientAddress } }) as unknown as GatewayContext;

function request(
  context: GatewayContext,
  options: { operation?: string; variables?: Record<string, unknown>; queryHash?: string; headers?: [string, string][] } = {},
) {
  return {
    contextValue: context,
    operation: { operation: options.operation ?? 'query' },
    operationName: 'Q',
    source: '{ employees { totalCount } }',
    queryHash: options.queryHash ?? 'hash-1',
    request: { http: { headers: new HeaderMap(options.headers ?? []) }, variables: options.variables ?? {} },
  } as unknown as GraphQLRequestContext<GatewayContext>;
}

describe("the caller's identity", () => {
  it('is the signed caller as JSON, computed once per caller and address', () => {
    const context = contextOf(caller);
    const identity = callerIdentity(context);
    expect(identity.json).toBe(JSON.stringify(context.signedCaller));
    expect(callerIdentity(contextOf(caller))).toBe(identity);
    expect(callerIdentity(contextOf(caller, '10.0.0.2')).digest).not.toBe(identity.digest);
    expect(callerIdentity(contextOf({ ...caller, grants: { permissions: [], scoped: {} } } as Caller)).digest).not.toBe(identity.digest);
  });
});

describe('the operation key', () => {
  it('is the same for the same caller, document and variables, and differs with any of them', () => {
    const base = operationKey(request(contextOf(caller), { variables: { first: 1 } }));
    expect(base).not.toBeNull();
    expect(operationKey(request(contextOf(caller), { variables: { first: 1 } }))).toBe(base);
    expect(operationKey(request(contextOf(caller), { variables: { first: 2 } }))).not.toBe(base);
    expect(operationKey(request(contextOf(caller), { variables: { first: 1 }, queryHash: 'hash-2' }))).not.toBe(base);
    const globex = { ...caller, tenant: { ...caller.tenant!, id: 'tenant-2', companyId: 'company-2' } } as Caller;
    expect(operationKey(request(contextOf(globex), { variables: { first: 1 } }))).not.toBe(base);
  });

  it('hashes long variables and keeps them apart', () => {
    const long = (c: string) => operationKey(request(contextOf(caller), { variables: { text: c.repeat(1000) } }))!;
    expect(long('a').length).toBeLessThan(300);
    expect(long('a')).not.toBe(long('b'));
  });

  it('is null for a mutation, the operator, an anonymous caller and a request for the plan', () => {
    expect(operationKey(request(contextOf(caller), { operation: 'mutation' }))).toBeNull();
    expect(operationKey(request(contextOf({ ...caller, kind: 'ADMIN' } as Caller)))).toBeNull();
    expect(operationKey(request(contextOf({ ...caller, kind: 'ANONYMOUS', tenant: null } as Caller)))).toBeNull();
    expect(operationKey(request(contextOf(caller), { headers: [['apollo-query-plan-experimental', '1']] }))).toBeNull();
  });
});

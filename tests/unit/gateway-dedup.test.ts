import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayContext } from '../../gateway/context';
import { deduplicationKey, InFlightFetches } from '../../gateway/dedup';
import { fullGrants } from '../../platform/permissions';
import { UNSHARED_ANSWER_HEADER, type SignedCaller } from '../../platform/tenant-context';

const caller: SignedCaller = {
  kind: 'USER',
  keyId: null,
  user: { id: 'user-1', email: 'ana@acme.example' },
  sessionId: 'session-1',
  clientAddress: '127.0.0.1',
  tenant: { id: 'tenant-1', slug: 'acme', companyId: 'company-1', database: 'db_acme', shard: 'default', companyModules: ['EMPLOYEES'] },
  modules: ['EMPLOYEES'],
  grants: { permissions: ['employees:directory.read'], scoped: { 'employees:directory.read': { employeeId: null, departmentIds: ['d-1'] } } },
};

/** The options the gateway hands a data source for one fetch of an incoming operation. */
function fetchOf(who: SignedCaller, options: { operation?: 'query' | 'mutation'; query?: string; variables?: Record<string, unknown>; token?: string } = {}) {
  const context = { signedCaller: who, signedContext: async () => options.token ?? 'token-1' } as unknown as GatewayContext;
  return {
    kind: 'incoming operation',
    request: { query: options.query ?? '{ employees { totalCount } }', variables: options.variables ?? {} },
    context,
    incomingRequestContext: { operation: { operation: options.operation ?? 'query' } },
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
}

describe('the deduplication key', () => {
  it('is the same for the same caller, token, document and variables', async () => {
    expect(await deduplicationKey(fetchOf({ ...caller }))).toBe(await deduplicationKey(fetchOf(caller)));
  });

  it('differs with anything about the caller: tenant, modules, permissions, row scopes, key, user, session', async () => {
    const base = await deduplicationKey(fetchOf(caller));
    const others: SignedCaller[] = [
      { ...caller, tenant: { ...caller.tenant!, id: 'tenant-2', database: 'db_globex' } },
      { ...caller, modules: [] },
      { ...caller, grants: fullGrants(['EMPLOYEES']) },
      { ...caller, grants: { ...caller.grants, scoped: { 'employees:directory.read': { employeeId: null, departmentIds: ['d-2'] } } } },
      { ...caller, grants: { ...caller.grants, scoped: { 'employees:directory.read': { employeeId: 'e-1', departmentIds: ['d-1'] } } } },
      { ...caller, keyId: 'key-1' },
      { ...caller, user: { id: 'user-2', email: 'bo@acme.example' } },
      { ...caller, sessionId: 'session-2' },
    ];
    for (const other of others) expect(await deduplicationKey(fetchOf(other))).not.toBe(base);
    // And with the signed context itself, even for claims that look alike.
    expect(await deduplicationKey(fetchOf(caller, { token: 'token-2' }))).not.toBe(base);
  });

  it('differs for the operator acting for one company or another (X-Fluxo-Company), and from the operator acting for none', async () => {
    const operator: SignedCaller = {
      ...caller,
      kind: 'ADMIN',
      user: null,
      sessionId: null,
      tenant: null,
      modules: [],
      grants: { permissions: [], scoped: {} },
    };
    const forCompany = (companyId: string, database: string): SignedCaller => ({
      ...operator,
      tenant: { id: `tenant-${companyId}`, slug: companyId, companyId, database, shard: 'default', companyModules: ['EMPLOYEES'] },
      modules: ['EMPLOYEES'],
      grants: { permissions: ['company:settings.manage', 'employees:directory.read'], scoped: {} },
    });
    const keys = await Promise.all(
      [operator, forCompany('company-1', 'db_acme'), forCompany('company-2', 'db_globex')].map((c) => deduplicationKey(fetchOf(c))),
    );
    expect(new Set(keys).size).toBe(3);
  });

  it('differs with the document and the variables', async () => {
    const base = await deduplicationKey(fetchOf(caller));
    expect(await deduplicationKey(fetchOf(caller, { query: '{ employees { edges { cursor } } }' }))).not.toBe(base);
    expect(await deduplicationKey(fetchOf(caller, { variables: { first: 1 } }))).not.toBe(base);
  });

  it('is null for a mutation, and for every fetch of a mutation’s plan', async () => {
    expect(await deduplicationKey(fetchOf(caller, { operation: 'mutation', query: 'mutation { createRole(input: {name: "x"}) { role { id } } }' }))).toBeNull();
    expect(await deduplicationKey(fetchOf(caller, { operation: 'mutation' }))).toBeNull();
    expect(await deduplicationKey(fetchOf(caller, { query: 'mutation { createRole(input: {name: "x"}) { role { id } } }' }))).toBeNull();
  });

  it('is null for the gateway’s own health checks', async () => {
    expect(await deduplicationKey({ kind: 'health check', request: { query: '{ __typename }' }, context: {} } as never)).toBeNull();
  });
});

describe('in-flight fetches', () => {
  it('sends one fetch for keys in flight together, gives each its own copy, and keeps nothing afterwards', async () => {
    const inFlight = new InFlightFetches();
    let sent = 0;
    let answer!: (value: { data: { list: number[] } }) => void;
    const fetch = () => {
      sent += 1;
      return new Promise<{ data: { list: number[] } }>((resolve) => (answer = resolve));
    };
    const first = inFlight.share('k', fetch);
    const second = inFlight.share('k', fetch);
    answer({ data: { list: [1] } });
    const [a, b] = await Promise.all([first, second]);
    expect(sent).toBe(1);
    expect(a.shared && b.shared).toBe(true);
    (a.response.data as { list: number[] }).list.push(2);
    expect(b.response.data).toEqual({ list: [1] });
    expect(inFlight.size).toBe(0);
    // Once answered, the same key is fetched again: nothing is cached.
    const third = inFlight.share('k', fetch);
    answer({ data: { list: [3] } });
    expect((await third).shared).toBe(false);
    expect(sent).toBe(2);
  });

  it('sends each waiting fetch after all when the subgraph marks the answer as the requester’s own', async () => {
    const inFlight = new InFlightFetches();
    let sent = 0;
    const own = (n: number) => ({ data: { n }, http: new Response('', { headers: { [UNSHARED_ANSWER_HEADER]: '1' } }) });
    const releases: Array<() => void> = [];
    const fetch = () => {
      const n = (sent += 1);
      return new Promise<ReturnType<typeof own>>((resolve) => releases.push(() => resolve(own(n))));
    };
    const first = inFlight.share('k', fetch);
    const second = inFlight.share('k', fetch);
    releases.shift()!();
    expect((await first).response.data).toEqual({ n: 1 });
    // The second request waited for the first answer, saw it was not to be shared, and sent its own.
    await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
    expect((await second).response.data).toEqual({ n: 2 });
    expect(sent).toBe(2);
  });
});

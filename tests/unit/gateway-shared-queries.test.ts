import client from 'prom-client';
import { HeaderMap, type GraphQLRequestContext, type GraphQLRequestListener, type GraphQLResponse } from '@apollo/server';
import type { GatewayContext } from '../../gateway/context';
import { noteSubgraphFetch } from '../../gateway/fetch-trace';
import { SharedQueries } from '../../gateway/shared-queries';
import { UNSHARED_ANSWER_HEADER, type SignedCaller } from '../../platform/tenant-context';

// The plugin's hooks driven as Apollo Server drives them for each request:
// responseForOperation before execution, willSendResponse after it.

const acme: SignedCaller = {
  kind: 'STANDARD',
  keyId: 'key-1',
  user: null,
  sessionId: null,
  clientAddress: '127.0.0.1',
  tenant: { id: 'tenant-1', slug: 'acme', companyId: 'company-1', database: 'db_acme', shard: 'default', companyModules: ['EMPLOYEES'] },
  modules: ['EMPLOYEES'],
  grants: { permissions: ['employees:directory.read'], scoped: {} },
};
const globex: SignedCaller = { ...acme, keyId: 'key-2', tenant: { ...acme.tenant!, id: 'tenant-2', companyId: 'company-2', database: 'db_globex' } };

interface Request {
  rc: GraphQLRequestContext<GatewayContext>;
  listener: GraphQLRequestListener<GatewayContext>;
}

async function start(
  shared: SharedQueries,
  who: SignedCaller,
  options: { operation?: 'query' | 'mutation'; source?: string; variables?: Record<string, unknown> } = {},
): Promise<Request> {
  const contextValue = { caller: { kind: who.kind, tenant: who.tenant }, signedCaller: who } as unknown as GatewayContext;
  const rc = {
    contextValue,
    operation: { operation: options.operation ?? 'query' },
    operationName: null,
    source: options.source ?? '{ employees { totalCount } }',
    request: { http: { headers: new HeaderMap() }, variables: options.variables ?? {} },
    response: { http: { headers: new HeaderMap() } },
  } as unknown as GraphQLRequestContext<GatewayContext>;
  const listener = (await shared.plugin().requestDidStart!(rc as never))!;
  return { rc, listener };
}

const respond = (r: Request) => r.listener.responseForOperation!(r.rc as never);

async function finish(r: Request, data: Record<string, unknown> | null, errors?: unknown[]): Promise<void> {
  (r.rc as { response: unknown }).response = {
    http: { headers: new HeaderMap() },
    body: { kind: 'single', singleResult: { data, ...(errors ? { errors } : {}) } },
  };
  await r.listener.willSendResponse!(r.rc as never);
}

const dataOf = (response: GraphQLResponse | null) => (response?.body.kind === 'single' ? response.body.singleResult.data : undefined);

let shared: SharedQueries;
beforeEach(() => {
  shared = new SharedQueries(true, new client.Registry());
});

describe('identical queries in flight', () => {
  it('are executed once: a query arriving during an identical one gets its answer', async () => {
    const first = await start(shared, acme);
    expect(await respond(first)).toBeNull(); // executes
    const second = await start(shared, acme);
    const waiting = respond(second);
    noteSubgraphFetch(first.rc.contextValue, 'employees', null);
    await finish(first, { employees: { totalCount: 3 } });
    expect(dataOf(await waiting)).toEqual({ employees: { totalCount: 3 } });
    expect(shared.inFlight).toBe(0);
    // Once answered, the next one executes again: nothing is kept.
    expect(await respond(await start(shared, acme))).toBeNull();
  });

  it('are never shared across companies, documents or variables', async () => {
    const first = await start(shared, acme, { variables: { first: 1 } });
    await respond(first);
    for (const other of [
      await start(shared, globex, { variables: { first: 1 } }),
      await start(shared, acme, { variables: { first: 2 } }),
      await start(shared, acme, { source: '{ employees { totalCount } }\n', variables: { first: 1 } }),
      await start(shared, { ...acme, grants: { permissions: [], scoped: {} } }, { variables: { first: 1 } }),
    ]) {
      expect(await respond(other)).toBeNull(); // each executes on its own
    }
    expect(shared.inFlight).toBe(5);
  });

  it('never share a mutation', async () => {
    const first = await start(shared, acme, { operation: 'mutation' });
    await respond(first);
    expect(await respond(await start(shared, acme, { operation: 'mutation' }))).toBeNull();
    expect(shared.inFlight).toBe(0);
  });

  it('execute on their own when the answer had errors or a subgraph marked it as the requester own', async () => {
    const first = await start(shared, acme);
    await respond(first);
    const second = await start(shared, acme);
    const waiting = respond(second);
    noteSubgraphFetch(first.rc.contextValue, 'employees', null);
    await finish(first, { employees: null }, [{ message: 'SUBGRAPH_UNAVAILABLE' }]);
    expect(await waiting).toBeNull();

    const third = await start(shared, acme);
    await respond(third);
    const fourth = await start(shared, acme);
    const waitingToo = respond(fourth);
    const own = new HeaderMap([[UNSHARED_ANSWER_HEADER, '1']]);
    noteSubgraphFetch(third.rc.contextValue, 'employees', { http: { headers: own } } as never);
    await finish(third, { employee: { personalData: { taxId: '123456789' } } });
    expect(await waitingToo).toBeNull();
  });

  it('never join an execution that began before a mutation of the same company, so a client reads its own write', async () => {
    const before = await start(shared, acme);
    await respond(before);
    const write = await start(shared, acme, { operation: 'mutation' });
    await respond(write);
    await finish(write, { hireEmployee: { employee: { id: 'e-1' } } });
    const after = await start(shared, acme);
    expect(await respond(after)).toBeNull(); // its own execution, after the write
    // Another company's queries are not held back by that write.
    const theirs = await start(shared, globex);
    await respond(theirs);
    const theirsToo = await start(shared, globex);
    const waiting = respond(theirsToo);
    noteSubgraphFetch(theirs.rc.contextValue, 'employees', null);
    await finish(theirs, { employees: { totalCount: 1 } });
    expect(dataOf(await waiting)).toEqual({ employees: { totalCount: 1 } });
  });

  it("never join an execution that began before an operator's mutation, whichever company it named", async () => {
    const before = await start(shared, globex);
    await respond(before);
    const operator = { ...acme, kind: 'ADMIN' as const, keyId: null };
    const write = await start(shared, operator, { operation: 'mutation' });
    await respond(write);
    await finish(write, { addCompanyModules: { company: { id: 'company-2' } } });
    expect(await respond(await start(shared, globex))).toBeNull();
  });

  it('do nothing when turned off', async () => {
    const off = new SharedQueries(false, new client.Registry());
    expect(off.plugin()).toEqual({});
  });
});

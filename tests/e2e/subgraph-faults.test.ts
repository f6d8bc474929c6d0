import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { SubgraphFaultOptions } from '../../platform/config';
import type { Mutation } from '../support/api';
import { hireEmployee, runContract } from '../support/assets-e2e';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { exampleVariables, graphql, startExtraGateway, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

/**
 * A stand-in for the assets subgraph that the test switches between failing
 * in one way or another and relaying to the real one, counting the calls
 * that reach it.
 */
interface FakeSubgraph {
  url: string;
  hits: () => number;
  behave: (mode: 'freeze' | 'unavailable' | 'relay') => void;
  close: () => Promise<void>;
}

/** Headers of the connection, not of the request: the relay's own fetch sets them. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function fakeSubgraph(realUrl: string): Promise<FakeSubgraph> {
  let mode: 'freeze' | 'unavailable' | 'relay' = 'freeze';
  let hits = 0;
  const server = http.createServer(async (req, res) => {
    hits += 1;
    if (mode === 'freeze') return; // accepts, reads nothing, never answers
    if (mode === 'unavailable') return res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter((h): h is [string, string] => typeof h[1] === 'string' && !HOP_BY_HOP.has(h[0])));
    const answer = await fetch(realUrl, { method: 'POST', headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    hits: () => hits,
    behave: (next) => {
      mode = next;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on which nothing listens: connections are refused. */
async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/graphql`;
}

let t: TestStack;
let acme: GatewayCompany;
let employeeId: string;
let fake: FakeSubgraph;

/** A short deadline; a circuit that stays open for a test's length unless the test shortens it. */
const FAULTS: SubgraphFaultOptions = { timeoutMillis: 1_000, breakerFailures: 3, halfOpenAfterMillis: 60_000 };

/** Employees with the assets they hold: employees answers the list, assets the holdings. */
const STAFF_WITH_ASSETS = `query StaffWithAssets {
  employees(first: 10) { totalCount edges { node { id fullName assets { id tag } } } }
}`;
/** Assets with the employees holding them: assets answers the list, employees the names. */
const HOLDERS = `query Holders {
  assets(first: 10) { edges { node { tag holder { fullName } assignments { employee { fullName } } } } }
}`;
/** A root field of the assets subgraph. */
const ASSET_COUNT = `query AssetCount { assets(first: 10) { totalCount } }`;

/** A gateway in front of the stack's subgraphs, but reaching `subgraph` (assets unless named) at `url`. */
async function gatewayWithAssetsAt(url: string, faults: SubgraphFaultOptions = FAULTS, subgraph = 'assets') {
  const subgraphUrls = Object.fromEntries(t.stack.subgraphs.map((s) => [s.name, s.name === subgraph ? url : s.url]));
  const lines: Array<{ level: number; msg: string; subgraph?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const { gateway, stop } = await startExtraGateway(t, { subgraphUrls, subgraphFaults: faults, logger });
  /** Log lines at warn level or above. */
  const warnings = () =>
    lines.filter((l) => l.level >= pino.levels.values.warn!).map((l) => ({ level: pino.levels.labels[l.level], subgraph: l.subgraph, msg: l.msg }));
  return { url: gateway.url, stop, warnings };
}

const codes = (res: GraphQLResponse<unknown>) => (res.errors ?? []).map((e) => e.extensions?.code);

/** The answer to STAFF_WITH_ASSETS. */
interface Staff {
  employees: { totalCount: number; edges: Array<{ node: { id: string; fullName: string; assets: Array<{ id: string; tag: string }> | null } }> };
}

/** The employees part of STAFF_WITH_ASSETS, whole, with every holding null. */
function expectEmployeesIntactAssetsNull(res: GraphQLResponse<Staff>) {
  expect(res.data?.employees.totalCount).toBe(1);
  expect(res.data?.employees.edges.map((e) => e.node)).toEqual([{ id: employeeId, fullName: 'Ana Silva', assets: null }]);
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Faults', modules: ['EMPLOYEES', 'ASSETS', 'PAYROLL'] });
  employeeId = await hireEmployee(t, acme, 'Ana', 'Silva');
  const registered = await runContract<Pick<Mutation, 'registerAsset'>>(
    t,
    'assets.graphql',
    'RegisterAsset',
    { input: exampleVariables('RegisterAsset').input },
    acme.secret,
  );
  const assetId = registered.data?.registerAsset.asset?.id;
  if (!assetId) throw new Error(`registerAsset failed: ${JSON.stringify(registered.errors)}`);
  await runContract(t, 'assets.graphql', 'AssignAsset', { input: { assetId, employeeId, date: '2026-01-12' } }, acme.secret);
  fake = await fakeSubgraph(t.subgraphUrl('assets'));
});
afterAll(async () => {
  await fake?.close();
  await acme?.tenantDb.destroy();
  await t?.stop();
});

describe('a frozen subgraph', () => {
  it('is answered within its timeout, naming the module, with the other modules’ data intact', async () => {
    fake.behave('freeze');
    const gateway = await gatewayWithAssetsAt(fake.url);
    try {
      const started = performance.now();
      const res = await graphql<Staff>(gateway.url, STAFF_WITH_ASSETS, {}, { token: acme.secret });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(FAULTS.timeoutMillis - 50);
      expect(elapsed).toBeLessThan(FAULTS.timeoutMillis + 2_000);
      expect(res.status).toBe(200);
      expectEmployeesIntactAssetsNull(res);
      expect(res.errors).toEqual([
        {
          message: 'The assets subgraph is unavailable; its fields are null',
          path: ['employees', 'edges', 0, 'node', 'assets'],
          extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'assets', serviceName: 'assets' },
        },
      ]);
    } finally {
      await gateway.stop();
    }
  });
});

describe('an unavailable subgraph behind entity references', () => {
  it('nulls the references it would have described, with its errors at their fields', async () => {
    fake.behave('unavailable');
    const gateway = await gatewayWithAssetsAt(fake.url, FAULTS, 'employees');
    try {
      const res = await graphql(gateway.url, HOLDERS, {}, { token: acme.secret });
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ assets: { edges: [{ node: { tag: 'LAP-0001', holder: null, assignments: [{ employee: null }] } }] } });
      const at = (path: Array<string | number>) => ({
        message: 'The employees subgraph is unavailable; its fields are null',
        path: ['assets', 'edges', 0, 'node', ...path],
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'employees', serviceName: 'employees' },
      });
      expect(res.errors).toEqual([at(['holder', 'fullName']), at(['assignments', 0, 'employee', 'fullName'])]);
    } finally {
      await gateway.stop();
    }
  });
});

describe('a dead subgraph', () => {
  it('answers SUBGRAPH_UNAVAILABLE naming it, at the fields it fills, and serves the others', async () => {
    const gateway = await gatewayWithAssetsAt(await deadUrl());
    try {
      const staff = await graphql<Staff>(gateway.url, STAFF_WITH_ASSETS, {}, { token: acme.secret });
      expect(staff.status).toBe(200);
      expectEmployeesIntactAssetsNull(staff);
      expect(staff.errors).toEqual([
        expect.objectContaining({
          path: ['employees', 'edges', 0, 'node', 'assets'],
          extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'assets' }),
        }),
      ]);
      // A root field is non-null: GraphQL's null propagation empties `data`, but the error still names the subgraph at its field.
      const list = await graphql(gateway.url, ASSET_COUNT, {}, { token: acme.secret });
      expect(list.status).toBe(200);
      expect(list.data).toBeNull();
      expect(list.errors).toEqual([
        expect.objectContaining({ path: ['assets'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'assets' }) }),
      ]);
    } finally {
      await gateway.stop();
    }
  });
});

describe('a dead subgraph behind the overview', () => {
  it('nulls its block and the metrics that need it, serves the rest, and names no internal field', async () => {
    const gateway = await gatewayWithAssetsAt(await deadUrl());
    try {
      const res = await graphql<{ overview: { employees: { activeHeadcount: number } | null; assets: unknown; crossModule: { assetsEmployees: unknown } } }>(
        gateway.url,
        `
          {
            overview {
              employees {
                activeHeadcount
              }
              assets {
                totalAssets
              }
              crossModule {
                assetsEmployees {
                  activeHeadcount
                }
              }
            }
          }
        `,
        {},
        { token: acme.secret },
      );
      expect(res.status).toBe(200);
      expect(res.data!.overview.employees!.activeHeadcount).toBeGreaterThan(0);
      expect(res.data!.overview.assets).toBeNull();
      expect(res.data!.overview.crossModule.assetsEmployees).toBeNull();
      expect(res.errors).toEqual([
        expect.objectContaining({ path: ['overview', 'assets'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'assets' }) }),
      ]);
    } finally {
      await gateway.stop();
    }
  });
});

describe("a subgraph's circuit", () => {
  it('opens after repeated failures, then fails fast without calling the subgraph', async () => {
    fake.behave('unavailable');
    const gateway = await gatewayWithAssetsAt(fake.url);
    try {
      const before = fake.hits();
      for (let i = 0; i < FAULTS.breakerFailures; i += 1) {
        const res = await graphql<Staff>(gateway.url, STAFF_WITH_ASSETS, {}, { token: acme.secret });
        expect(codes(res)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      }
      expect(fake.hits() - before).toBe(FAULTS.breakerFailures);
      for (let i = 0; i < 5; i += 1) {
        const res = await graphql<Staff>(gateway.url, STAFF_WITH_ASSETS, {}, { token: acme.secret });
        expectEmployeesIntactAssetsNull(res);
        expect(res.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'assets' }) })]);
      }
      expect(fake.hits() - before).toBe(FAULTS.breakerFailures);
      // One warning for the outage, none per request, and nothing at error level: the gateway is not at fault.
      expect(gateway.warnings()).toEqual([{ level: 'warn', subgraph: 'assets', msg: expect.stringContaining('subgraph unavailable') }]);
    } finally {
      await gateway.stop();
    }
  });

  it('half-opens after its delay and closes again when the subgraph answers', async () => {
    fake.behave('unavailable');
    // Long enough that the circuit stays open while the test sees a call refused, short enough to poll for the probe.
    const halfOpenAfterMillis = 2_000;
    const gateway = await gatewayWithAssetsAt(fake.url, { ...FAULTS, halfOpenAfterMillis });
    try {
      for (let i = 0; i < FAULTS.breakerFailures; i += 1) await graphql<Staff>(gateway.url, STAFF_WITH_ASSETS, {}, { token: acme.secret });
      const open = fake.hits();
      const refused = await graphql<Staff>(gateway.url, STAFF_WITH_ASSETS, {}, { token: acme.secret });
      expect(codes(refused)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(fake.hits()).toBe(open);

      fake.behave('relay');
      const deadline = Date.now() + 5 * halfOpenAfterMillis;
      let res = refused;
      while (res.errors && Date.now() < deadline) res = await graphql<Staff>(gateway.url, STAFF_WITH_ASSETS, {}, { token: acme.secret });
      expect(res.errors).toBeUndefined();
      expect(res.data?.employees.edges[0]?.node.assets).toEqual([{ id: expect.any(String), tag: 'LAP-0001' }]);
      expect(fake.hits()).toBe(open + 1); // the call that answered was the one probe
    } finally {
      await gateway.stop();
    }
  });
});

describe('a field of a module the key does not grant', () => {
  const refused = (module: string, path: Array<string | number>) =>
    expect.objectContaining({ path, extensions: expect.objectContaining({ code: 'MODULE_NOT_SUBSCRIBED', module }) });

  it('is null with MODULE_NOT_SUBSCRIBED at its path, and the rest of the data stays', async () => {
    const employeesOnly = (await issueKey(t, acme, ['EMPLOYEES'])).secret;
    const res = await graphql<Staff>(t.gatewayUrl, STAFF_WITH_ASSETS, {}, { token: employeesOnly });
    expect(res.status).toBe(200);
    expectEmployeesIntactAssetsNull(res);
    expect(res.errors).toEqual([refused('ASSETS', ['employees', 'edges', 0, 'node', 'assets'])]);
  });

  it('holds for every field another module adds to an employee', async () => {
    const employeesOnly = (await issueKey(t, acme, ['EMPLOYEES'])).secret;
    const res = await graphql(
      t.gatewayUrl,
      `
        {
          employees(first: 10) {
            edges {
              node {
                fullName
                assetHistory {
                  assignedAt
                }
                payslips {
                  id
                }
              }
            }
          }
        }
      `,
      {},
      { token: employeesOnly },
    );
    expect(res.data).toEqual({ employees: { edges: [{ node: { fullName: 'Ana Silva', assetHistory: null, payslips: null } }] } });
    expect(res.errors).toEqual([
      refused('ASSETS', ['employees', 'edges', 0, 'node', 'assetHistory']),
      refused('PAYROLL', ['employees', 'edges', 0, 'node', 'payslips']),
    ]);
  });

  it('holds for an employee another module refers to, without EMPLOYEES', async () => {
    const assetsOnly = (await issueKey(t, acme, ['ASSETS'])).secret;
    const res = await graphql(t.gatewayUrl, HOLDERS, {}, { token: assetsOnly });
    expect(res.data).toEqual({ assets: { edges: [{ node: { tag: 'LAP-0001', holder: null, assignments: [{ employee: null }] } }] } });
    // Both entity fetches go to employees at once, so their errors come in either order.
    expect(res.errors).toHaveLength(2);
    expect(res.errors).toEqual(
      expect.arrayContaining([
        refused('EMPLOYEES', ['assets', 'edges', 0, 'node', 'holder']),
        refused('EMPLOYEES', ['assets', 'edges', 0, 'node', 'assignments', 0, 'employee']),
      ]),
    );
  });
});

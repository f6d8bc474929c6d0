import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../platform/listen';
import { createCompany, type GatewayCompany } from '../support/company';
import { startGatewayProcess, until, type GatewayProcess } from '../support/gateway-process';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// A rolling restart under load: two gateway processes behind a proxy, each in
// turn sent SIGTERM, left to drain and exit, and started again, while clients
// keep querying through the proxy. Not one request may fail.
//
// The proxy does what a load balancer does and no more: it sends requests in
// turn to the gateways whose /ready answers 200 (checked every 50 ms), and to
// the next one when a connection cannot be made (refused) or a reused idle
// connection was closed before the request reached the gateway.

const QUERY = 'query Rolling { employees(first: 5) { edges { node { id employeeNumber } } } }';
/** Several of the proxy's health checks, even on a busy machine. */
const GRACE_MILLIS = 2_000;
const CLIENTS = 6;

let t: TestStack;
let acme: GatewayCompany;
let expectedIds: string[];

/** The load balancer of the test: counts what each upstream answered, and how many answers came while it drained. */
class TestProxy {
  readonly answered = new Map<number, number>();
  readonly answeredClosing = new Map<number, number>();
  private readonly agents = new Map<number, http.Agent>();
  private readonly ready = new Set<number>();
  private next = 0;
  private server: http.Server | null = null;
  private readonly checking = new Map<number, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly ports: number[]) {
    for (const port of ports) {
      this.agents.set(port, new http.Agent({ keepAlive: true }));
      this.ready.add(port);
    }
  }

  /**
   * Health checks, each gateway's /ready every 50 ms, each gateway on its own
   * round: a draining one answers 503 and gets no new requests. One round for
   * all would wait for the slowest answer, so a gateway busy with the whole
   * load would delay noticing that the other one drains.
   */
  private checkHealth(port: number): void {
    void fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2_000) })
      .then(
        (r) => r.status === 200,
        () => false,
      )
      .then((ok) => {
        if (ok) this.ready.add(port);
        else this.ready.delete(port);
      })
      .finally(() => {
        if (!this.stopped)
          this.checking.set(
            port,
            setTimeout(() => this.checkHealth(port), 50),
          );
      });
  }

  async start(): Promise<string> {
    for (const port of this.ports) this.checkHealth(port);
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.forward(req, Buffer.concat(chunks), res, this.ports.length * 4));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, triesLeft: number): void {
    const candidates = this.ports.filter((p) => this.ready.has(p));
    const pool = candidates.length > 0 ? candidates : this.ports;
    const port = pool[this.next++ % pool.length]!;
    const upstream = http.request(
      { host: '127.0.0.1', port, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${port}` }, agent: this.agents.get(port) },
      (answer) => {
        this.answered.set(port, (this.answered.get(port) ?? 0) + 1);
        if (answer.headers.connection === 'close') this.answeredClosing.set(port, (this.answeredClosing.get(port) ?? 0) + 1);
        const { connection: _connection, 'keep-alive': _keepAlive, ...headers } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      // Nothing reached a gateway: safe to send elsewhere. Anything else is a failure the client must see.
      const notDelivered = error.code === 'ECONNREFUSED' || (upstream.reusedSocket && error.code === 'ECONNRESET');
      if (notDelivered && triesLeft > 1) this.forward(req, body, res, triesLeft - 1);
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.code ?? error.message}`);
    });
    upstream.end(body);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.checking.values()) clearTimeout(timer);
    for (const agent of this.agents.values()) agent.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Clients querying through the proxy without pause until told to stop; every answer is checked. */
function loadThrough(url: string) {
  const failures: string[] = [];
  let succeeded = 0;
  let running = true;
  const client = async () => {
    while (running) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.secret}` },
          body: JSON.stringify({ query: QUERY }),
        });
        const text = await response.text();
        const body = JSON.parse(text) as { data?: { employees?: { edges: Array<{ node: { id: string } }> } }; errors?: unknown };
        const ids = body.data?.employees?.edges.map((e) => e.node.id);
        if (response.status !== 200 || body.errors || JSON.stringify(ids) !== JSON.stringify(expectedIds))
          failures.push(`${response.status} ${text.slice(0, 300)}`);
        else succeeded += 1;
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  return {
    failures,
    succeeded: () => succeeded,
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  };
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Rolling Restart Co', modules: ['EMPLOYEES'] });
  for (let i = 0; i < 3; i += 1) {
    const hired = await acme.gql<{ hireEmployee: { employee: { id: string } | null } }>(
      'mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id } } }',
      { input: { firstName: `Roll${i}`, lastName: 'Out', email: `roll${i}@rolling.test`, hireDate: '2026-01-05' } },
    );
    expect(hired.data?.hireEmployee.employee?.id).toBeDefined();
  }
  const page = await acme.gql<{ employees: { edges: Array<{ node: { id: string } }> } }>(QUERY);
  expectedIds = page.data!.employees.edges.map((e) => e.node.id);
  expect(expectedIds).toHaveLength(3);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

it('answers every request while each of two gateways is drained by SIGTERM and started again', async () => {
  const ports = [await freePort(), await freePort()];
  const gateways = new Map<number, GatewayProcess>();
  for (const port of ports) gateways.set(port, await startGatewayProcess(t, port, { FLUXO_DRAIN_GRACE_MS: String(GRACE_MILLIS) }));
  // Started without FLUXO_EXPOSE_QUERY_PLAN, the entry point keeps its plans to itself.
  const planned = await graphql(`http://127.0.0.1:${ports[0]}/graphql`, QUERY, undefined, {
    token: acme.secret,
    headers: { 'apollo-query-plan-experimental': '1' },
  });
  expect(planned.data).toBeDefined();
  expect(planned.extensions?.__queryPlanExperimental).toBeUndefined();
  const proxy = new TestProxy(ports);
  const load = loadThrough(await proxy.start());
  const drainedWhileAnswering: number[] = [];
  try {
    await until(() => ports.every((p) => (proxy.answered.get(p) ?? 0) >= 20), 'both gateways to answer');
    for (const port of ports) {
      const old = gateways.get(port)!;
      const before = load.succeeded();
      old.child.kill('SIGTERM');
      expect(await old.exited).toBe(0);
      expect(old.output()).toContain('gateway draining');
      drainedWhileAnswering.push(proxy.answeredClosing.get(port) ?? 0);
      // The other gateway carried the load alone meanwhile; then this one comes back and takes its share.
      gateways.set(port, await startGatewayProcess(t, port, { FLUXO_DRAIN_GRACE_MS: String(GRACE_MILLIS) }));
      const answeredBefore = proxy.answered.get(port) ?? 0;
      await until(() => (proxy.answered.get(port) ?? 0) >= answeredBefore + 20, `gateway on ${port} to answer again`);
      expect(load.succeeded()).toBeGreaterThan(before);
    }
  } finally {
    await load.stop();
    await proxy.stop();
    for (const g of gateways.values()) {
      g.child.kill('SIGTERM');
      await g.exited;
    }
  }
  expect(load.failures).toEqual([]);
  expect(load.succeeded()).toBeGreaterThan(100);
  // Each gateway went on answering during its grace period, with `Connection: close`, rather than dropping requests.
  for (const answered of drainedWhileAnswering) expect(answered).toBeGreaterThan(0);
}, 180_000);

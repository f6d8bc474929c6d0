import fs from 'node:fs';
import { freePort } from '../../platform/listen';
import { createCompany, type GatewayCompany } from '../support/company';
import { startGatewayProcess, until } from '../support/gateway-process';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// The gateway's own entry point (dist/gateway/main.js once built; its source
// here) as FLUXO_GATEWAY_PROCESSES=2 processes on one port: both serve, one
// that dies is replaced, and SIGTERM stops them all cleanly. It also honours
// FLUXO_EXPOSE_QUERY_PLAN as `fluxo start` does (tests/e2e/rolling-restart.test.ts
// starts it without, and finds no plan).

let t: TestStack;
let acme: GatewayCompany;

/** Pids of the living gateway processes started by `pid`, read from /proc (not the TypeScript loader's helper). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const parent = /^PPid:\s+(\d+)$/m.exec(status)?.[1];
      const state = /^State:\s+(\S)/m.exec(status)?.[1];
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (Number(parent) === pid && state !== 'Z' && command.includes('gateway/main.ts')) children.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return children;
}

async function employeesThrough(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.secret}` },
    body: JSON.stringify({ query: '{ employees(first: 1) { edges { node { id } } } }' }),
  });
  const body = (await response.json()) as { data?: { employees: { edges: unknown[] } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data?.employees.edges).toEqual([]);
  return response.status;
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Many Processes Co', modules: ['EMPLOYEES'] });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

it('serves from two processes on one port, replaces one that dies, and stops both on SIGTERM', async () => {
  const port = await freePort();
  const gateway = await startGatewayProcess(t, port, { FLUXO_GATEWAY_PROCESSES: '2', FLUXO_EXPOSE_QUERY_PLAN: '1' });
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    const pid = gateway.child.pid!;
    const first = childrenOf(pid);
    expect(first).toHaveLength(2);
    // Log lines travel by a pipe, the ready message by IPC: either may come first.
    await until(() => gateway.output().includes('gateway serving in 2 processes'), 'the line saying both serve');
    // Without a shared store each process would count limits alone: the operator is told.
    expect(gateway.output()).toContain('set FLUXO_REDIS_URL');
    const planned = await graphql(url, '{ me { company { slug } } employees(first: 1) { totalCount } }', undefined, {
      token: acme.secret,
      headers: { 'apollo-query-plan-experimental': '1' },
    });
    expect(planned.data).toMatchObject({ me: { company: { slug: acme.slug } } });
    expect(String(planned.extensions?.__queryPlanExperimental)).toContain('Fetch(service: "access")');
    expect(String(planned.extensions?.__queryPlanExperimental)).toContain('Fetch(service: "employees")');

    const statuses = await Promise.all(Array.from({ length: 20 }, () => employeesThrough(url)));
    expect(new Set(statuses)).toEqual(new Set([200]));

    process.kill(first[0]!, 'SIGKILL');
    await until(() => {
      const now = childrenOf(pid);
      return now.length === 2 && !now.includes(first[0]!);
    }, 'a new process in place of the killed one');
    await until(() => gateway.output().includes('a gateway process died: starting another'), 'the line about the replacement');
    await until(() => gateway.output().includes('a new gateway process serves'), 'the replacement to serve');
    // The newcomer serves once it listens; until then the other one does: no request fails either way.
    const after = await Promise.all(Array.from({ length: 20 }, () => employeesThrough(url)));
    expect(new Set(after)).toEqual(new Set([200]));

    const children = childrenOf(pid);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(gateway.output().match(/"gateway draining"/g)).toHaveLength(2);
    for (const child of children) expect(fs.existsSync(`/proc/${child}`)).toBe(false);
  } finally {
    gateway.child.kill('SIGKILL');
  }
}, 120_000);

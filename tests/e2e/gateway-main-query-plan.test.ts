import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../platform/listen';
import { exportKeyPairPem } from '../../platform/tenant-context';
import { testRoleEnvironment } from '../support/db-roles';
import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// The gateway's own entry point (dist/gateway/main.js once built; its source
// here) honours FLUXO_EXPOSE_QUERY_PLAN as `fluxo start` does: with it, the
// `apollo-query-plan-experimental: 1` header gets the plan; without it, not.

const root = path.resolve(__dirname, '..', '..');
const PLAN_HEADER = { 'apollo-query-plan-experimental': '1' };

let t: TestStack;
let company: GatewayCompany;
const running: ChildProcess[] = [];

/** Starts `gateway/main.ts` as its own process on this file's stack; resolves with its URL once /health answers. */
async function startGatewayMain(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...testRoleEnvironment(process.env.FLUXO_TEST_RUN_ID!),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: t.database.url,
      FLUXO_ADMIN_TOKEN: t.adminToken,
      FLUXO_CONTEXT_PRIVATE_KEY: exportKeyPairPem(t.keys).privateKeyPem,
      ...Object.fromEntries(t.stack.subgraphs.map((s) => [`FLUXO_${s.name.toUpperCase()}_URL`, s.url])),
      ...env,
    },
  });
  running.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway/main.ts exited with ${child.exitCode}: ${stderr}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return `${url}/graphql`;
    if (Date.now() > deadline) throw new Error(`gateway/main.ts did not answer /health within 60 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  t = await startTestStack();
  company = await createCompany(t, { name: 'Plan Main', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  await Promise.all(
    running.map((child) => {
      if (child.exitCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    }),
  );
  await company?.tenantDb.destroy();
  await t?.stop();
});

describe('the gateway process started on its own', () => {
  const planOf = async (url: string) => {
    const res = await graphql(url, '{ me { company { slug } } employees(first: 1) { totalCount } }', undefined, {
      token: company.secret,
      headers: PLAN_HEADER,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ me: { company: { slug: company.slug } } });
    return res.extensions?.__queryPlanExperimental;
  };

  it('answers the plan header with the query plan when FLUXO_EXPOSE_QUERY_PLAN=1', async () => {
    const plan = await planOf(await startGatewayMain({ FLUXO_EXPOSE_QUERY_PLAN: '1' }));
    expect(String(plan)).toContain('Fetch(service: "access")');
    expect(String(plan)).toContain('Fetch(service: "employees")');
  });

  it('keeps the plan to itself without it', async () => {
    expect(await planOf(await startGatewayMain({ FLUXO_EXPOSE_QUERY_PLAN: '0' }))).toBeUndefined();
  });
});

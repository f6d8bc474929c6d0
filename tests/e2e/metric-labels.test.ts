import { randomBytes } from 'node:crypto';
import manifest from '../../operations/manifest.json';
import { graphql, startTestStack, type TestStack } from '../support/stack';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

/** The gateway's /metrics as the operator reads it. */
async function metricsText(): Promise<string> {
  const res = await fetch(new URL('/metrics', t.gatewayUrl), { headers: { authorization: `Bearer ${t.adminToken}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** Every value the `operation` label takes in the figures. */
async function operationLabels(): Promise<Set<string>> {
  return new Set([...(await metricsText()).matchAll(/\boperation="([^"]*)"/g)].map((m) => m[1]!));
}

/** Served requests labelled with `operation`. */
async function served(operation: string): Promise<number> {
  const series = new RegExp(`^fluxo_graphql_requests_total\\{[^}]*operation="${operation}"[^}]*\\} (\\d+)$`, 'gm');
  return [...(await metricsText()).matchAll(series)].reduce((sum, m) => sum + Number(m[1]), 0);
}

it('labels 200 operations with names of their own as one bucket: no new label values', async () => {
  // One operation outside the manifest first, so its bucket exists before the count.
  expect((await graphql(t.gatewayUrl, 'query Warmup { plans { code } }', undefined, { token: t.adminToken })).errors).toBeUndefined();
  const before = await operationLabels();
  const otherBefore = await served('other');
  const names = Array.from({ length: 200 }, () => `Op_${randomBytes(8).toString('hex')}`);
  for (const name of names) {
    const res = await graphql(t.gatewayUrl, `query ${name} { plans { code } }`, undefined, { token: t.adminToken });
    expect(res.errors).toBeUndefined();
  }
  const after = await operationLabels();
  expect([...after].sort()).toEqual([...before].sort());
  for (const name of names) expect(after.has(name)).toBe(false);
  expect(await served('other')).toBe(otherBefore + 200);
}, 60_000);

it('labels an operation of the persisted manifest by its manifest name', async () => {
  const plans = manifest.operations.find((o) => o.name === 'Plans')!;
  const before = await served('Plans');
  expect((await graphql(t.gatewayUrl, plans.body, undefined, { token: t.adminToken })).errors).toBeUndefined();
  expect(await served('Plans')).toBe(before + 1);
  expect(await metricsText()).toMatch(/^fluxo_graphql_request_duration_seconds_count\{operation="Plans"\} [1-9]/m);
});

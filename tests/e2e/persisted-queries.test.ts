import { createHash } from 'node:crypto';
import manifest from '../../operations/manifest.json';
import type { Query } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// Partner systems call persisted operations: the manifest generated from
// operations/**/*.graphql. Anyone may send a manifest operation by its id;
// PARTNER keys may run nothing else.
let t: TestStack;
let company: GatewayCompany<'etl'>;
let partnerKey: string;

const accounts = manifest.operations.find((o) => o.name === 'Accounts')!;

async function post(
  body: Record<string, unknown>,
  token: string,
): Promise<{ status: number; json: Omit<GraphQLResponse<Pick<Query, 'accounts'>>, 'status' | 'headers'> }> {
  const res = await fetch(t.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Omit<GraphQLResponse<Pick<Query, 'accounts'>>, 'status' | 'headers'> };
}

beforeAll(async () => {
  t = await startTestStack();
  company = await createCompany(t, { name: 'Partner Co', modules: ['FINANCE'], keys: { etl: { name: 'ETL', kind: 'PARTNER', modules: ['FINANCE'] } } });
  partnerKey = company.keys.etl.secret;
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

describe('persisted operations', () => {
  it('lists every contract operation in the manifest, each with the SHA-256 of its body as id', () => {
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.operations.map((o) => o.name)).toEqual(expect.arrayContaining(['Plans', 'Accounts', 'PostJournalEntry', 'Overview']));
    for (const o of manifest.operations) expect(o.id).toBe(createHash('sha256').update(o.body).digest('hex'));
  });

  it('runs a manifest operation sent by its id alone', async () => {
    const res = await post({ variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: accounts.id } } }, partnerKey);
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data!.accounts.totalCount).toBeGreaterThanOrEqual(15);
  });

  it('runs a manifest operation sent with its exact body for a partner key', async () => {
    const res = await post({ query: accounts.body, variables: { first: 5 } }, partnerKey);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data!.accounts.edges).toHaveLength(5);
  });

  it('refuses a partner key any other operation', async () => {
    const res = await post({ query: '{ accounts(first: 1) { totalCount } }' }, partnerKey);
    expect(res.status).toBe(403);
    expect(res.json.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(res.json.data).toBeUndefined();
  });

  it('lets a STANDARD key run ad-hoc operations, and answers an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    const adHoc = await post({ query: '{ accounts(first: 1) { totalCount } }' }, company.secret);
    expect(adHoc.json.errors).toBeUndefined();
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }, company.secret);
    expect(unknown.json.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

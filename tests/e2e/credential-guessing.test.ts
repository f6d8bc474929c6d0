import { MeDocument, PlansDocument } from '../generated/operations';
import { generateAccessKey } from '../../platform/access-key-format';
import { limitsFromEnv } from '../../platform/config';
import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// Guessing keys: refused credentials count per key prefix and client address
// together (3 here) and, more loosely, per address (8 here). Every request of
// this file comes from 127.0.0.1: one shared address, as behind a NAT.
let t: TestStack;
let victim: GatewayCompany;
let bystander: GatewayCompany;
beforeAll(async () => {
  t = await startTestStack({ limits: { ...limitsFromEnv(), failedCredentialsPerMinute: 3, failedCredentialsPerAddressPerMinute: 8 } });
  victim = await createCompany(t, { name: 'Guessed Co', modules: ['ASSETS'] });
  bystander = await createCompany(t, { name: 'Same Office Co', modules: ['ASSETS'] });
});
afterAll(async () => {
  await victim?.tenantDb.destroy();
  await bystander?.tenantDb.destroy();
  await t?.stop();
});

const prefixOf = (secret: string) => secret.split('_')[1]!;
/** A well-formed key for `prefix` with a random (wrong) secret. */
const wrongSecretFor = (prefix: string) => `fluxo_${prefix}_${generateAccessKey().secret.slice(-43)}`;
const me = (token: string) => graphql(t.gatewayUrl, MeDocument, undefined, { token });

it('refuses guesses at one prefix with RATE_LIMITED and Retry-After, while another key from the same address still works', async () => {
  const target = prefixOf(victim.secret);
  for (let n = 0; n < 3; n += 1) {
    const res = await me(wrongSecretFor(target));
    expect({ status: res.status, code: res.errors?.[0]?.extensions?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  }
  const blocked = await me(wrongSecretFor(target));
  expect(blocked.status).toBe(429);
  expect(blocked.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
  expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

  // Another client behind the same address, with its own valid key: not locked out.
  const other = await me(bystander.secret);
  expect(other.status).toBe(200);
  expect(other.data!.me.company.id).toBe(bystander.companyId);
  // Anonymous public operations from that address are not affected either.
  expect((await graphql(t.gatewayUrl, PlansDocument)).errors).toBeUndefined();
});

it('caps refused credentials per address, whatever prefixes they spray', async () => {
  // 3 refusals above, 5 more here reach the address cap of 8.
  for (let n = 0; n < 5; n += 1) expect((await me(generateAccessKey().secret)).status).toBe(401);
  const sprayed = await me(generateAccessKey().secret);
  expect(sprayed.status).toBe(429);
  expect(sprayed.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
  expect(Number(sprayed.headers.get('retry-after'))).toBeGreaterThan(0);
});

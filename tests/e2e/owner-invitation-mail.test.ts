import { startMailCatcher, type MailCatcher } from '../support/mail';
import { accept } from '../support/people';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// Approving a subscription mails the requester an OWNER invitation through a
// real SMTP server that the test runs; accepting it makes them the company's first person.

let t: TestStack;
let mail: MailCatcher;

beforeAll(async () => {
  mail = await startMailCatcher();
  t = await startTestStack({ config: { mail: { smtpUrl: mail.url, from: 'Fluxo <no-reply@fluxo.test>', publicUrl: 'https://erp.fluxo.test' } } });
});
afterAll(async () => {
  await t?.stop();
  await mail?.close();
});

const APPROVE = `mutation($input: ApproveSubscriptionRequestInput!) { approveSubscriptionRequest(input: $input) {
  company { id slug } ownerInvitation { email roles { role } } ownerInvitationToken userErrors { code } } }`;

it('mails the requester an OWNER invitation on approval, which makes them the company’s first person', async () => {
  const requested = await graphql<{ requestSubscription: { request: { id: string } } }>(
    t.gatewayUrl,
    'mutation($input: RequestSubscriptionInput!) { requestSubscription(input: $input) { request { id } } }',
    { input: { companyName: 'Mailed Co', contactEmail: 'founder@mailed.example', modules: ['EMPLOYEES'], planCode: null } },
  );
  const approved = await graphql<{
    approveSubscriptionRequest: { company: { id: string; slug: string }; ownerInvitation: unknown; ownerInvitationToken: string | null; userErrors: unknown[] };
  }>(t.gatewayUrl, APPROVE, { input: { requestId: requested.data!.requestSubscription.request.id } }, { token: t.adminToken });
  const payload = approved.data!.approveSubscriptionRequest;
  expect(payload.userErrors).toEqual([]);
  expect(payload.ownerInvitation).toEqual({ email: 'founder@mailed.example', roles: [{ role: 'OWNER' }] });
  // Mailed, so the operator is not shown the token.
  expect(payload.ownerInvitationToken).toBeNull();

  expect(mail.inbox).toHaveLength(1);
  const sent = mail.inbox[0]!;
  expect(sent).toMatchObject({ to: 'founder@mailed.example', subject: 'Mailed Co is ready on Fluxo' });
  // A link to the company console's page for accepting it; the token rides in the fragment.
  const token = /https:\/\/erp\.fluxo\.test\/console\/accept#(fluxo_inv_[A-Za-z0-9_-]+)/.exec(sent.text)?.[1];
  expect(token).toBeDefined();

  const owner = await accept(t, token!, 'the founder’s own password');
  const me = await graphql<{ me: { company: { id: string }; user: { email: string }; permissions: string[] } }>(
    t.gatewayUrl,
    '{ me { company { id } user { email } permissions } }',
    undefined,
    { token: owner.accessToken },
  );
  expect(me.data!.me.company.id).toBe(payload.company.id);
  expect(me.data!.me.user.email).toBe('founder@mailed.example');
  expect(me.data!.me.permissions).toEqual(expect.arrayContaining(['company:members.manage', 'company:keys.manage', 'employees:manage']));
});

it('shows the operator the token when the mail cannot be sent, and approves all the same', async () => {
  await mail.close();
  const requested = await graphql<{ requestSubscription: { request: { id: string } } }>(
    t.gatewayUrl,
    'mutation($input: RequestSubscriptionInput!) { requestSubscription(input: $input) { request { id } } }',
    { input: { companyName: 'Unmailed Co', contactEmail: 'founder@unmailed.example', modules: ['EMPLOYEES'], planCode: null } },
  );
  const approved = await graphql<{
    approveSubscriptionRequest: { company: { slug: string } | null; ownerInvitationToken: string | null; userErrors: unknown[] };
  }>(t.gatewayUrl, APPROVE, { input: { requestId: requested.data!.requestSubscription.request.id } }, { token: t.adminToken });
  const payload = approved.data!.approveSubscriptionRequest;
  expect(payload.userErrors).toEqual([]);
  expect(payload.company?.slug).toBe('unmailed-co');
  expect(payload.ownerInvitationToken).toMatch(/^fluxo_inv_/);
  expect((await accept(t, payload.ownerInvitationToken!, 'handed over in person')).accessToken).toEqual(expect.any(String));
});

import {
  ApproveSubscriptionRequestDocument,
  IssueAccessKeyDocument,
  MeDocument,
  PlansDocument,
  RejectSubscriptionRequestDocument,
  RequestSubscriptionDocument,
  RevokeAccessKeyDocument,
  SubscriptionRequestsDocument,
} from '../generated/operations';
import { exampleVariables, graphql, startTestStack, type TestStack } from '../support/stack';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('the subscription flow through the gateway', () => {
  it('lists plans to anyone', async () => {
    const res = await graphql(t.gatewayUrl, PlansDocument);
    expect(res.errors).toBeUndefined();
    expect(res.data!.plans.map((p) => p.code)).toEqual(['STARTER', 'PEOPLE', 'BUSINESS', 'ENTERPRISE']);
    expect(res.data!.plans[3]).toMatchObject({ modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'], monthlyPrice: { amount: '399.00', currency: 'EUR' } });
  });

  it('goes from request to list to approval to key to me', async () => {
    const requested = await graphql(t.gatewayUrl, RequestSubscriptionDocument, exampleVariables('RequestSubscription'));
    expect(requested.data!.requestSubscription.userErrors).toEqual([]);
    const request = requested.data!.requestSubscription.request!;
    expect(request).toMatchObject({ status: 'PENDING', companyName: 'Acme Industrial', contactEmail: 'ops@acme.example' });

    const pending = await graphql(t.gatewayUrl, SubscriptionRequestsDocument, exampleVariables('SubscriptionRequests'), { token: t.adminToken });
    expect(pending.errors).toBeUndefined();
    expect(pending.data!.subscriptionRequests.edges.map((e) => e.node.id)).toContain(request.id);
    expect(pending.data!.subscriptionRequests.totalCount).toBeGreaterThanOrEqual(1);

    const approved = await graphql(
      t.gatewayUrl,
      ApproveSubscriptionRequestDocument,
      exampleVariables('ApproveSubscriptionRequest', { requestId: request.id }),
      { token: t.adminToken },
    );
    expect(approved.errors).toBeUndefined();
    const payload = approved.data!.approveSubscriptionRequest;
    expect(payload.userErrors).toEqual([]);
    expect(payload.company).toMatchObject({ slug: 'acme-industrial', name: 'Acme Industrial', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
    expect(payload.accessKey).toMatchObject({ kind: 'STANDARD', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
    expect(payload.secret).toMatch(new RegExp(`^fluxo_${payload.accessKey!.prefix}_`));

    const me = await graphql(t.gatewayUrl, MeDocument, undefined, { token: payload.secret! });
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({
      company: { id: payload.company!.id, slug: 'acme-industrial', name: 'Acme Industrial' },
      modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'],
      accessKey: { id: payload.accessKey!.id, name: payload.accessKey!.name, kind: 'STANDARD', prefix: payload.accessKey!.prefix },
    });

    // The same key works through x-api-key as well.
    const viaHeader = await graphql(t.gatewayUrl, MeDocument, undefined, { headers: { 'x-api-key': payload.secret! } });
    expect(viaHeader.data!.me.company.id).toBe(payload.company!.id);

    const again = await graphql(t.gatewayUrl, ApproveSubscriptionRequestDocument, { input: { requestId: request.id } }, { token: t.adminToken });
    expect(again.data!.approveSubscriptionRequest.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_APPROVED', field: ['input', 'requestId'] })]);
    expect(again.data!.approveSubscriptionRequest.secret).toBeNull();

    const partner = await graphql(t.gatewayUrl, IssueAccessKeyDocument, exampleVariables('IssueAccessKey', { companyId: payload.company!.id }), {
      token: t.adminToken,
    });
    expect(partner.data!.issueAccessKey.userErrors).toEqual([]);
    expect(partner.data!.issueAccessKey.accessKey).toMatchObject({ name: 'Partner ETL', kind: 'PARTNER', modules: ['FINANCE'] });
    const partnerMe = await graphql(t.gatewayUrl, MeDocument, undefined, { token: partner.data!.issueAccessKey.secret! });
    expect(partnerMe.data!.me.modules).toEqual(['FINANCE']);

    const revoked = await graphql(
      t.gatewayUrl,
      RevokeAccessKeyDocument,
      exampleVariables('RevokeAccessKey', { accessKeyId: partner.data!.issueAccessKey.accessKey!.id }),
      { token: t.adminToken },
    );
    expect(revoked.data!.revokeAccessKey.userErrors).toEqual([]);
    expect(revoked.data!.revokeAccessKey.accessKey!.revokedAt).toEqual(expect.any(String));
  });

  it('rejects a request, and refuses to approve it afterwards', async () => {
    const requested = await graphql(t.gatewayUrl, RequestSubscriptionDocument, {
      input: { companyName: 'Dup Co', contactEmail: 'a@dup.example', modules: ['EMPLOYEES'], planCode: null },
    });
    const id = requested.data!.requestSubscription.request!.id;
    const rejected = await graphql(t.gatewayUrl, RejectSubscriptionRequestDocument, exampleVariables('RejectSubscriptionRequest', { requestId: id }), {
      token: t.adminToken,
    });
    expect(rejected.data!.rejectSubscriptionRequest).toEqual({ request: { id, status: 'REJECTED' }, userErrors: [] });
    const approve = await graphql(t.gatewayUrl, ApproveSubscriptionRequestDocument, { input: { requestId: id } }, { token: t.adminToken });
    expect(approve.data!.approveSubscriptionRequest.userErrors).toEqual([expect.objectContaining({ code: 'REQUEST_REJECTED' })]);
    expect(await t.database.db.selectFrom('company').select('id').where('subscription_request_id', '=', id).execute()).toEqual([]);
  });

  it('validates subscription input with field paths and codes, writing nothing', async () => {
    const before = await t.database.db
      .selectFrom('subscription_request')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await graphql(t.gatewayUrl, RequestSubscriptionDocument, {
      input: { companyName: '  ', contactEmail: 'not-an-email', modules: ['PAYROLL'], planCode: 'STARTER' },
    });
    expect(res.data!.requestSubscription.request).toBeNull();
    expect(res.data!.requestSubscription.userErrors).toEqual(
      expect.arrayContaining([
        { field: ['input', 'companyName'], message: expect.any(String), code: 'REQUIRED' },
        { field: ['input', 'contactEmail'], message: expect.any(String), code: 'INVALID_EMAIL' },
        { field: ['input', 'modules'], message: expect.any(String), code: 'MODULE_NOT_IN_PLAN' },
      ]),
    );
    const unknownModule = await graphql(t.gatewayUrl, RequestSubscriptionDocument, {
      input: { companyName: 'X', contactEmail: 'x@x.example', modules: ['HR'], planCode: null },
    } as never);
    expect(unknownModule.status).toBe(400);
    expect(unknownModule.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const after = await t.database.db
      .selectFrom('subscription_request')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

import { limitsFromEnv, type LimitOptions } from '../platform/config';

/** The benches' way into a running stack: GraphQL over HTTP, as a client sends it. */

/** The environment's limits with the key's rate and cost budget far above a bench's load: they are not what a bench measures. */
export function benchLimits(): LimitOptions {
  const base = limitsFromEnv();
  const ample = { capacity: 100_000_000, refillPerSecond: base.costBudget.keyed.refillPerSecond };
  return { ...base, perKeyPerMinute: 1_000_000, costBudget: { keyed: ample, anonymous: ample } };
}

/** POSTs an operation with a bearer token; returns its data, in the shape the caller's selection asks for, or throws its errors. */
export async function post<Data = unknown>(url: string, query: string, variables: Record<string, unknown> | undefined, token: string): Promise<Data> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as Data;
}

export interface SubscribedCompany {
  companyId: string;
  slug: string;
  /** The company's first access key. */
  key: string;
}

/** Subscribes a new company to `modules` as a customer and the operator would: a request, then its approval. */
export async function subscribeCompany(gateway: string, adminToken: string, companyName: string, modules: readonly string[]): Promise<SubscribedCompany> {
  const requested = await post<{ requestSubscription: { request: { id: string } } }>(
    gateway,
    `mutation($input: RequestSubscriptionInput!) { requestSubscription(input: $input) { request { id } } }`,
    { input: { companyName, contactEmail: 'ops@bench.example', modules, planCode: null } },
    adminToken,
  );
  const approved = await post<{ approveSubscriptionRequest: { company: { id: string; slug: string }; secret: string } }>(
    gateway,
    `mutation($input: ApproveSubscriptionRequestInput!) { approveSubscriptionRequest(input: $input) { company { id slug } secret } }`,
    { input: { requestId: requested.requestSubscription.request.id } },
    adminToken,
  );
  const { company, secret } = approved.approveSubscriptionRequest;
  return { companyId: company.id, slug: company.slug, key: secret };
}

/** Another access key of the company, issued by the operator; returns its secret. */
export async function issueKey(gateway: string, adminToken: string, companyId: string, modules: readonly string[], name: string): Promise<string> {
  const issued = await post<{ issueAccessKey: { secret: string } }>(
    gateway,
    `mutation($input: IssueAccessKeyInput!) { issueAccessKey(input: $input) { secret } }`,
    { input: { companyId, name, kind: 'STANDARD', modules } },
    adminToken,
  );
  return issued.issueAccessKey.secret;
}

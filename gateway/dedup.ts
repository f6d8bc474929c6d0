import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { UNSHARED_ANSWER_HEADER } from '../platform/tenant-context';
import type { GatewayContext } from './context';
import { callerIdentity } from './request-keys';

/** A fetch document the planner made for a read: `query …` or a bare selection set. */
const QUERY_DOCUMENT = /^\s*(?:query\b|\{)/;

/**
 * The key under which a subgraph fetch may share its answer with identical
 * fetches in flight, or null when it must not be shared: anything but a fetch
 * of an incoming query (a mutation's fetches, its reads after the write
 * included, are never shared; nor are health checks).
 *
 * Two fetches share only when every part matches: the verified caller as this
 * request's credential resolved it (tenant and its database, caller kind, key,
 * user, session, client address, modules, permissions and row scopes), the very
 * signed context that goes to the subgraph (which says all of that again, under
 * the gateway's signature), the document and the variables as they go on the
 * wire. Nothing in the key comes from a header the client sent, but for the
 * operator's X-Fluxo-Company, and only as the tenant the gateway looked up for it
 * (gateway/operator-company.ts), which is part of the verified caller.
 */
export async function deduplicationKey(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<string | null> {
  if (!('incomingRequestContext' in options)) return null; // a health check or a schema load
  const context = options.context as GatewayContext | Record<string, never>;
  if (!('signedContext' in context)) return null;
  if (options.incomingRequestContext.operation?.operation !== 'query') return null;
  const { query, variables, operationName } = options.request;
  if (!query || !QUERY_DOCUMENT.test(query)) return null;
  const signed = await context.signedContext();
  // The caller's identity is serialised once per caller and address (./request-keys), not per fetch or request.
  return `[${callerIdentity(context as GatewayContext).json},${JSON.stringify(signed)},${JSON.stringify([operationName ?? null, query, variables ?? null])}]`;
}

/**
 * Identical subgraph fetches in flight at once, sent once. The first fetch of
 * a key is sent; fetches of the same key that start before its answer arrives
 * wait for that answer. Each of them, and the first one too when any waited, gets
 * its own copy of the answer, since the gateway merges answers into its own
 * result objects; unless the subgraph marked the answer as the requester's own
 * (UNSHARED_ANSWER_HEADER), when each waiting fetch is sent after all. An answer is never kept once it has arrived: this merges,
 * it does not cache.
 */
export class InFlightFetches {
  private readonly pending = new Map<string, { answer: Promise<GatewayGraphQLResponse>; waiting: number }>();

  /**
   * `fetch`'s answer, or the answer of the identical fetch in flight. `shared` says whether it served more than one;
   * `fetchedHere` whether this call's own `fetch` brought it (the first of them, or a waiter that had to fetch after all).
   */
  async share(key: string, fetch: () => Promise<GatewayGraphQLResponse>): Promise<{ response: GatewayGraphQLResponse; shared: boolean; fetchedHere: boolean }> {
    const inFlight = this.pending.get(key);
    if (inFlight) {
      inFlight.waiting += 1;
      const answer = await inFlight.answer;
      // The subgraph recorded something for the request that fetched it (the audit of a reveal): this one fetches its own.
      if (!shareable(answer)) return { response: await fetch(), shared: false, fetchedHere: true };
      return { response: copyOf(answer), shared: true, fetchedHere: false };
    }
    // Removed as the answer arrives, before anyone awaiting it resumes: no one can join once the answer is out.
    const forget = () => this.pending.delete(key);
    const entry = {
      waiting: 0,
      answer: fetch().then(
        (response) => (forget(), response),
        (error: unknown) => {
          forget();
          throw error;
        },
      ),
    };
    this.pending.set(key, entry);
    const response = await entry.answer;
    return entry.waiting > 0 && shareable(response)
      ? { response: copyOf(response), shared: true, fetchedHere: true }
      : { response, shared: false, fetchedHere: true };
  }

  /** Keys in flight now (for tests and diagnosis). */
  get size(): number {
    return this.pending.size;
  }
}

/** Whether the subgraph let the answer serve other requests (UNSHARED_ANSWER_HEADER). */
function shareable(response: GatewayGraphQLResponse): boolean {
  return response.http?.headers.get(UNSHARED_ANSWER_HEADER) !== '1';
}

/** A copy of an answer's body (parsed JSON, so structured-cloneable); the HTTP response it came in is shared, read-only. */
function copyOf(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  const copy: GatewayGraphQLResponse = { ...response };
  if (response.data !== undefined) copy.data = structuredClone(response.data);
  if (response.errors !== undefined) copy.errors = structuredClone(response.errors);
  if (response.extensions !== undefined) copy.extensions = structuredClone(response.extensions);
  return copy;
}

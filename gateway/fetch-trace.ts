import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLRequestContext } from '@apollo/server';
import { createHash } from 'node:crypto';
import { UNSHARED_ANSWER_HEADER } from '../platform/tenant-context';
import type { GatewayContext } from './context';

/** The header with which a client asks for the query plan (FLUXO_EXPOSE_QUERY_PLAN): such an answer is never shared or cached. */
const QUERY_PLAN_HEADER = 'apollo-query-plan-experimental';

/** What one request's query plan fetched: the subgraphs it read, and whether any answer was the requester's own. */
export interface FetchTrace {
  subgraphs: Set<string>;
  unshared: boolean;
}

const traces = new WeakMap<GatewayContext, FetchTrace>();

/** Starts recording a request's fetches (once; a second call returns the same trace). */
export function traceFetches(context: GatewayContext): FetchTrace {
  let trace = traces.get(context);
  if (!trace) traces.set(context, (trace = { subgraphs: new Set(), unshared: false }));
  return trace;
}

/** The request's fetches so far, or undefined when nothing asked to record them. */
export function fetchTraceOf(context: GatewayContext): FetchTrace | undefined {
  return traces.get(context);
}

/**
 * Called by the subgraph data source with each fetch's answer, for a request
 * whose fetches are recorded: the subgraphs it read, and whether the subgraph
 * marked an answer as the requester's own (UNSHARED_ANSWER_HEADER, the audit
 * of a reveal), which no other request may be given.
 */
export function noteSubgraphFetch(context: object, subgraph: string, response: GatewayGraphQLResponse | null): void {
  const trace = traces.get(context as GatewayContext);
  if (!trace) return;
  trace.subgraphs.add(subgraph);
  if (response?.http?.headers.get(UNSHARED_ANSWER_HEADER) === '1') trace.unshared = true;
}

const operationKeys = new WeakMap<GatewayContext, string | null>();

/**
 * The identity of a company caller's query: a hash of every claim of the
 * verified caller as it is signed for the subgraphs (company and its database,
 * credential, person, session, client address, modules, permissions and row
 * scopes), with the operation's name, document and variables; computed once
 * per request. Null for anything that is not a company caller's query (the
 * operator acting for a company with X-Fluxo-Company may read other companies
 * through the access subgraph, whose changes reach no entry filed under the
 * header's), and for a request that asks for the query plan: such answers are
 * never shared or cached.
 */
export function operationKey(rc: GraphQLRequestContext<GatewayContext>): string | null {
  const context = rc.contextValue;
  const known = operationKeys.get(context);
  if (known !== undefined) return known;
  let key: string | null = null;
  if (rc.operation?.operation === 'query' && context.caller.tenant && context.caller.kind !== 'ADMIN' && !rc.request.http?.headers.get(QUERY_PLAN_HEADER)) {
    const identity = JSON.stringify([context.signedCaller, rc.operationName ?? null, rc.source ?? null, rc.request.variables ?? null]);
    key = createHash('sha256').update(identity).digest('base64url');
  }
  operationKeys.set(context, key);
  return key;
}

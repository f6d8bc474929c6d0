import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { UNSHARED_ANSWER_HEADER } from '../platform/tenant-context';
import type { GatewayContext } from './context';

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

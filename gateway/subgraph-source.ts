import { parse } from 'graphql';
import type { GraphQLRequestContext } from '@apollo/server';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { subgraphUnavailable } from '../platform/errors';
import { CONTEXT_HEADER, REQUEST_ID_HEADER } from '../platform/tenant-context';
import { tracingOn } from '../platform/tracing';
import type { GatewayContext } from './context';
import { deduplicationKey, InFlightFetches } from './dedup';
import { fetchPaths, nullsAt, selectedNames } from './fetch-paths';
import { noteSubgraphFetch } from './fetch-trace';
import { SubgraphUnavailable } from './subgraph-breaker';

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;
type CacheHint = Parameters<GraphQLRequestContext<GatewayContext>['overallCachePolicy']['restrict']>[0];

/**
 * Sends the signed tenant context, request id and trace parent on every subgraph fetch — and nothing the client sent.
 * A subgraph that does not answer (see ./subgraph-breaker) costs only its own fields: they are null, each with a
 * SUBGRAPH_UNAVAILABLE error naming the subgraph, and the rest of the plan is served. Identical fetches of the
 * same caller's queries that are in flight together are sent once (see ./dedup); the shared fetch carries the
 * request id and trace parent of the request that sent it.
 */
export class TenantContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly subgraph: string,
    private readonly observe: (subgraph: string, seconds: number, ok: boolean) => void,
  ) {
    super(config);
  }

  private readonly inFlight = new InFlightFetches();

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    // The response cache and shared queries learn which modules an answer read, and whether any part of it was the requester's own.
    const response = await this.fetchOrShare(options);
    noteSubgraphFetch(options.context, this.subgraph, response);
    return response;
  }

  private async fetchOrShare(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    try {
      const key = await deduplicationKey(options);
      if (key === null) return await this.timedFetch(options);
      const { response, fetchedHere } = await this.inFlight.share(key, () => this.timedFetch(options));
      // Apollo applied the answer's Cache-Control to the request that fetched it; a request served that answer takes the same hint.
      if (!fetchedHere && 'incomingRequestContext' in options) options.incomingRequestContext.overallCachePolicy?.restrict?.(cacheHintOf(response));
      return response;
    } catch (error) {
      if (!(error instanceof SubgraphUnavailable)) throw error;
      return this.unavailable(options);
    }
  }

  /** One fetch sent to the subgraph, timed for its metrics and /observability/modules (a shared answer counts once). */
  private async timedFetch(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const started = process.hrtime.bigint();
    let ok = false;
    try {
      const response = await super.process(options);
      ok = !response.errors?.length;
      return response;
    } finally {
      this.observe(this.subgraph, Number(process.hrtime.bigint() - started) / 1e9, ok);
    }
  }

  /**
   * Null at every path this fetch would have filled, and an error at each of them the client asked for. The nulls
   * matter: a field another subgraph @requires is then null, not missing, so the plan's next fetch still runs and
   * the metric that needed it is null, instead of the whole answer.
   */
  private unavailable(options: GraphQLDataSourceProcessOptions<GatewayContext>): SubgraphResponse {
    // The planner's fetch documents are not handed over parsed (exposeDocumentNodeInFetchNode is off); parsing one costs little, and only on failure.
    const document = options.request.query ? parse(options.request.query) : null;
    if (!document) return { errors: [subgraphUnavailable(this.subgraph)] };
    const client = 'incomingRequestContext' in options ? options.incomingRequestContext.document : undefined;
    const filled = fetchPaths(document, options.request.variables);
    const shown = client ? fetchPaths(document, options.request.variables, selectedNames(client)) : filled;
    return {
      data: nullsAt(filled),
      errors: shown.length > 0 ? shown.map((path) => subgraphUnavailable(this.subgraph, path)) : [subgraphUnavailable(this.subgraph)],
    };
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const headers = request.http!.headers;
    if (!('signedContext' in context)) return; // health probes of the gateway itself
    headers.set(CONTEXT_HEADER, await context.signedContext());
    headers.set(REQUEST_ID_HEADER, context.requestId);
    // Traced, the fetch's own span is the subgraph's parent and the instrumentation sends it; a second header would void both.
    if (context.traceparent && !tracingOn()) headers.set('traceparent', context.traceparent);
  }
}

/**
 * The cache hint of a subgraph's answer, from its Cache-Control header, read as @apollo/gateway's
 * RemoteGraphQLDataSource reads it for the request that fetched it: no header, `no-store` or no numeric `max-age`
 * allow nothing (max age 0).
 */
export function cacheHintOf(response: SubgraphResponse): CacheHint {
  const header = response.http?.headers.get('cache-control');
  if (!header) return { maxAge: 0 };
  const directives = new Map(
    header.split(',').map((part) => {
      const [name = '', value] = part.trim().toLowerCase().split('=');
      return [name, value] as const;
    }),
  );
  if (directives.has('no-store')) return { maxAge: 0 };
  const maxAge = directives.get('max-age');
  const hint: CacheHint = { maxAge: maxAge !== undefined && /^\d+$/.test(maxAge) ? Number(maxAge) : 0 };
  if (directives.has('private')) hint.scope = 'PRIVATE';
  else if (directives.has('public')) hint.scope = 'PUBLIC';
  return hint;
}

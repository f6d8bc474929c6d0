import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CONTEXT_HEADER, REQUEST_ID_HEADER } from '../platform/tenant-context';
import type { GatewayContext } from './context';

/** Sends the signed tenant context, request id and trace parent on every subgraph fetch — and nothing the client sent. */
export class TenantContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly subgraph: string,
    private readonly observe: (subgraph: string, seconds: number, ok: boolean) => void,
  ) {
    super(config);
  }

  /** Times each fetch for the subgraph's metrics and /observability/modules. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
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

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const headers = request.http!.headers;
    if (!('signedContext' in context)) return; // health probes of the gateway itself
    headers.set(CONTEXT_HEADER, await context.signedContext());
    headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.traceparent) headers.set('traceparent', context.traceparent);
  }
}

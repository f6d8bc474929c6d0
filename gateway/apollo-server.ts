import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { ApolloGateway } from '@apollo/gateway';
import type Redis from 'ioredis';
import type { LimitOptions } from '../platform/config';
import { formatErrorFor } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { REQUEST_ID_HEADER } from '../platform/tenant-context';
import { tracingOn } from '../platform/tracing';
import { requestTracingPlugin } from '../platform/tracing-plugin';
import type { GatewayContext } from './context';
import { withExplorerLink } from './explorer';
import { anonymousAccessPlugin, operationGuard, queryLimits, textInputGuard } from './limits';
import { errorCount, type GatewayMetrics } from './metrics';
import { ManifestFirstCache, partnerSafelistPlugin, type LoadedManifest } from './persisted-queries';
import { costLimitPlugin } from './cost-limits';
import type { ResponseCache } from './response-cache';
import type { SharedQueries } from './shared-queries';

export interface GatewayApolloOptions {
  gateway: ApolloGateway;
  /** Drained on stop, so requests in flight are answered. */
  httpServer: http.Server;
  /** Apollo Sandbox and introspection. */
  sandbox: boolean;
  limits: LimitOptions;
  /** The persisted operations: hash → document, and their costs. */
  manifest: LoadedManifest;
  /** Redis shared by the gateways for the cost budgets, or null for this process's memory. */
  limitStore: Redis | null;
  metrics: GatewayMetrics;
  /** Whole answers of queries whose every field allows it (see ./response-cache). */
  responseCache: ResponseCache;
  /** Identical queries of one caller in flight at once, executed once (see ./shared-queries). */
  sharedQueries: SharedQueries;
  logger: Logger;
}

/**
 * The gateway's Apollo Server: query-shape limits, anonymous and partner
 * rules, query-cost budgets, persisted queries served from the manifest first, the response
 * cache, identical queries in flight executed once, masked errors, metrics, and a log line with the request id on every operation.
 * Clients are told `cache-control: no-store` whatever the cache hints say: the gateway's
 * cache hears of every change, a browser's or a proxy's would not.
 */
export function createApolloServer(options: GatewayApolloOptions): ApolloServer<GatewayContext> {
  const armor = queryLimits(options.limits);
  return new ApolloServer<GatewayContext>({
    gateway: options.gateway as never,
    csrfPrevention: true,
    // Our process owns SIGINT/SIGTERM and stops servers in order; Apollo's own handlers raced it.
    stopOnTerminationSignals: false,
    introspection: options.sandbox,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    persistedQueries: { cache: new ManifestFirstCache(options.manifest.bodies) },
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    formatError: formatErrorFor(options.logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }),
      options.sandbox ? sandboxLinkingExplorer() : ApolloServerPluginLandingPageDisabled(),
      ...armor.plugins,
      operationGuard(),
      anonymousAccessPlugin(options.sandbox),
      textInputGuard(),
      partnerSafelistPlugin(options.manifest.bodies),
      // Last of the checks that refuse an operation: a refused one spends no budget.
      costLimitPlugin({ limits: options.limits, store: options.limitStore, manifestCosts: options.manifest.costs }),
      // After every check that refuses an operation: a refused one is never answered from the cache.
      options.responseCache.plugin(),
      // After the cache: a query it answers waits for nothing.
      options.sharedQueries.plugin(),
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      options.metrics.plugin,
      ...(tracingOn() ? [requestTracingPlugin<GatewayContext>((c) => ({ tenant: c.caller.tenant?.companyId, requestId: c.requestId }))] : []),
      {
        async requestDidStart({ contextValue }: GraphQLRequestContext<GatewayContext>) {
          return {
            async willSendResponse({ response, operationName, errors }) {
              response.http.headers.set(REQUEST_ID_HEADER, contextValue.requestId);
              response.http.headers.set('cache-control', 'no-store');
              contextValue.logger.info({ operationName, errors: errorCount(errors, response) }, 'operation served');
            },
          };
        },
      },
    ],
  });
}

/** Apollo Sandbox at GET /graphql, with a link to the bundled explorer at /explorer. */
function sandboxLinkingExplorer(): ApolloServerPlugin<GatewayContext> {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false });
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render();
          const html = page.html;
          return { html: async () => withExplorerLink(typeof html === 'string' ? html : await html()) };
        },
      };
    },
  };
}

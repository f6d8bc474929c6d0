import { randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import { sql } from 'kysely';
import { hashKey } from '../platform/access-key-format';
import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, signTenantContext } from '../platform/tenant-context';
import { formatErrorFor } from '../platform/errors';
import { listen, type RunningService } from '../platform/listen';
import { identifyCaller } from './caller';
import type { GatewayContext } from './context';
import { KeyVerifier } from './key-verifier';
import { anonymousAccessPlugin, credentialGuard, queryLimits, requestBudget, textInputGuard } from './limits';
import type { LimitOptions } from '../platform/config';
import { createMetrics } from './metrics';
import { modulesReport, probeSubgraph } from './observability';
import { loadManifest, ManifestFirstCache, partnerSafelistPlugin } from './persisted-queries';
import { keepAliveFetcher } from './subgraph-fetcher';
import { readSupergraph } from './supergraph';

export interface GatewayOptions {
  port: number;
  host?: string;
  supergraphPath: string;
  /** operations/manifest.json: the persisted (safelisted) operations. */
  manifestPath: string;
  /** Subgraph name → URL; overrides the URLs written in the supergraph. */
  subgraphUrls: Record<string, string>;
  controlPlane: ControlPlane;
  controlPlaneUrl: string;
  contextPrivateKey: KeyObject;
  adminToken: string;
  sandbox: boolean;
  limits: LimitOptions;
  keyCacheTtlMillis: number;
  /** How often `last used` times of keys are written, in one statement (default 5 s). */
  lastUsedFlushMillis?: number;
  /** Answer `apollo-query-plan-experimental: 1` with the query plan (FLUXO_EXPOSE_QUERY_PLAN=1; off in production). */
  exposeQueryPlan?: boolean;
  logger: Logger;
}

export interface RunningGateway extends RunningService {
  keys: KeyVerifier;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Sends the signed tenant context, request id and trace parent on every subgraph fetch — and nothing the client sent. */
class TenantContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
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

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger.child({ component: 'gateway' });
  const keys = new KeyVerifier(options.controlPlane, options.controlPlaneUrl, logger, {
    cacheTtlMillis: options.keyCacheTtlMillis,
    lastUsedFlushMillis: options.lastUsedFlushMillis ?? 5_000,
    maxEntries: 50_000,
  });
  await keys.start();
  const adminTokenHash = hashKey(options.adminToken);
  const subgraphFetch = keepAliveFetcher();
  const metrics = createMetrics();

  const gateway = new ApolloGateway({
    supergraphSdl: readSupergraph(options.supergraphPath),
    buildService: ({ name, url }) => new TenantContextDataSource({ url: options.subgraphUrls[name] ?? url, fetcher: subgraphFetch.fetcher }, name, metrics.observeFetch),
    logger,
    // `apollo-query-plan-experimental: 1` returns the plan in extensions; for diagnosis, never on in production.
    __exposeQueryPlanExperimental: options.exposeQueryPlan ?? false,
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  const armor = queryLimits(options.limits);
  const limitStore = options.limits.redisUrl ? connectLimitStore(options.limits.redisUrl, logger) : null;
  const guardCredentials = credentialGuard(options.limits, limitStore);
  const spendBudget = requestBudget(options.limits, limitStore);
  const manifest = loadManifest(options.manifestPath);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: gateway as never,
    csrfPrevention: true,
    // Our process owns SIGINT/SIGTERM and stops servers in order; Apollo's own handlers raced it.
    stopOnTerminationSignals: false,
    introspection: options.sandbox,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    persistedQueries: { cache: new ManifestFirstCache(manifest) },
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    formatError: formatErrorFor(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      options.sandbox ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }) : ApolloServerPluginLandingPageDisabled(),
      ...armor.plugins,
      anonymousAccessPlugin(options.sandbox),
      textInputGuard(),
      partnerSafelistPlugin(manifest),
      metrics.plugin,
      {
        async requestDidStart({ contextValue }: GraphQLRequestContext<GatewayContext>) {
          return {
            async willSendResponse({ response, operationName, errors }) {
              response.http.headers.set(REQUEST_ID_HEADER, contextValue.requestId);
              contextValue.logger.info({ operationName, errors: errors?.length ?? 0 }, 'operation served');
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', async (_req, res) => {
    const checks: Record<string, string> = {};
    await Promise.all([
      sql`SELECT 1`.execute(options.controlPlane).then(
        () => (checks.controlPlane = 'ok'),
        () => (checks.controlPlane = 'unreachable'),
      ),
      ...Object.entries(options.subgraphUrls).map(async ([name, url]) => (checks[name] = await probeSubgraph(url))),
    ]);
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  // For the operator only: per module, its subgraph, its tenants and their schemas, and this gateway's fetches to it.
  app.get('/observability/modules', async (req, res) => {
    const clientAddress = req.socket.remoteAddress ?? 'unknown';
    try {
      const caller = await guardCredentials(clientAddress, () => identifyCaller(req.headers, keys, adminTokenHash));
      if (caller.kind !== 'ADMIN') {
        res.status(caller.kind === 'ANONYMOUS' ? 401 : 403).json({ error: { code: caller.kind === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: 'Only the operator token may read this' } });
        return;
      }
      res.json({ generatedAt: new Date().toISOString(), modules: await modulesReport({ controlPlane: options.controlPlane, subgraphUrls: options.subgraphUrls, fetches: metrics.fetchFigures }) });
    } catch (error) {
      const code = error instanceof GraphQLError ? String(error.extensions.code ?? 'INTERNAL_SERVER_ERROR') : 'INTERNAL_SERVER_ERROR';
      const status = error instanceof GraphQLError ? Number((error.extensions.http as { status?: number } | undefined)?.status ?? 500) : 500;
      if (status >= 500) logger.error({ err: error }, 'observability report failed');
      res.status(status).json({ error: { code, message: status >= 500 ? 'Internal server error' : (error as Error).message } });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const inbound = req.headers[REQUEST_ID_HEADER];
        const requestId = typeof inbound === 'string' && SAFE_REQUEST_ID.test(inbound) ? inbound : randomUUID();
        const requestLogger = logger.child({ requestId });
        const clientAddress = req.socket.remoteAddress ?? 'unknown';
        const identify = () => identifyCaller(req.headers, keys, adminTokenHash);
        // Only requests that present a credential count towards (or are stopped by) the guessing limit.
        const presents = Boolean(req.headers.authorization || req.headers['x-api-key']);
        const caller = await (presents ? guardCredentials(clientAddress, identify) : identify()).catch((error: unknown) => {
          requestLogger.info({ reason: error instanceof Error ? error.message : 'invalid' }, 'refused credential');
          throw error;
        });
        await spendBudget(caller, clientAddress);
        let signed: Promise<string> | undefined;
        const traceparent = req.headers.traceparent;
        return {
          requestId,
          caller,
          clientAddress,
          traceparent: typeof traceparent === 'string' ? traceparent : null,
          logger: requestLogger.child({ tenant: caller.tenant?.slug ?? null, keyId: caller.keyId }),
          signedContext: () => (signed ??= signTenantContext({ requestId, ...caller }, options.contextPrivateKey)),
        };
      },
    }),
  );

  const port = await listen(httpServer, options.port, options.host ?? '127.0.0.1', 'PORT');
  logger.info({ port }, 'gateway listening');
  return {
    name: 'gateway',
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    keys,
    stop: async () => {
      await apollo.stop();
      await keys.stop();
      await subgraphFetch.close();
      limitStore?.disconnect();
    },
  };
}

/**
 * The Redis client of the rate limits. Commands are not queued while it is
 * disconnected, so a limit check fails at once and the limiter falls back to
 * memory instead of making the request wait; reconnection goes on in the
 * background and each outage is logged once.
 */
function connectLimitStore(url: string, logger: Logger): Redis {
  const store = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectionName: 'fluxo-gateway' });
  let healthy = true;
  store.on('ready', () => {
    if (!healthy) logger.info('rate-limit store reachable again');
    healthy = true;
  });
  store.on('error', (error: Error) => {
    if (healthy) logger.warn({ err: error.message }, 'rate-limit store unreachable: limits fall back to this process');
    healthy = false;
  });
  return store;
}

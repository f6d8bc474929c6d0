import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { expressMiddleware } from '@as-integrations/express5';
import { enforceScalarGrammar } from './scalars';
import express from 'express';
import { hashKey } from '../platform/access-key-format';
import type { LimitOptions, SubgraphFaultOptions } from '../platform/config';
import type { ControlPlane } from '../platform/control-plane';
import { listen, type RunningService } from '../platform/listen';
import type { Logger } from '../platform/logger';
import { createApolloServer } from './apollo-server';
import { identifyCaller } from './caller';
import { KeyVerifier } from './key-verifier';
import { SessionVerifier } from './session-verifier';
import { OidcVerifier } from './oidc-verifier';
import { ProviderTokenVerifier } from '../platform/oidc';
import { connectLimitStore } from './limit-store';
import { CompanyOrigins, corsFor, refuseForeignOrigin } from './cors';
import { defaultExplorerDir, mountExplorer } from './explorer';
import { defaultWebAppDir, mountWebApp } from './web-app';
import { Drain } from './drain';
import { FLUXO_VERSION } from '../platform/version';
import { frontDoor, unexpectedErrors } from './front-door';
import { credentialGuard, requestBudget } from './limits';
import { createMetrics } from './metrics';
import { mountOperationalRoutes } from './operational-routes';
import { loadManifest } from './persisted-queries';
import { requestContextBuilder } from './request-context';
import { actingFor } from './operator-company';
import { guardedFetcher } from './subgraph-breaker';
import { TenantContextDataSource } from './subgraph-source';
import { keepAliveFetcher } from './subgraph-fetcher';
import { LiveEventHub } from './live-updates-hub';
import { liveUpdatesRoute } from './live-updates';
import { readSupergraph } from './supergraph';
import { NO_RESPONSE_CACHE, ResponseCache, type ResponseCacheOptions } from './response-cache';
import { SharedQueries } from './shared-queries';

/** The response header naming the release that answered. */
export const VERSION_HEADER = 'x-fluxo-version';

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
  /** Verifies people's access tokens (FLUXO_SESSION_PUBLIC_KEY); null accepts keys only. */
  sessionPublicKey: KeyObject | null;
  adminToken: string;
  /** Companies' OpenID issuers may be http:// on loopback (FLUXO_OIDC_ALLOW_HTTP; development and tests only). */
  oidcAllowHttp?: boolean;
  /** Apollo Sandbox at /graphql, introspection and the explorer at /explorer. */
  sandbox: boolean;
  /** The built explorer (scripts/build-explorer.ts); dist/explorer unless given, as tests build their own. */
  explorerDir?: string;
  /** The built web app (scripts/build-web.ts); dist/web unless given, as tests build their own. */
  webAppDir?: string;
  /** Browser origins allowed to call /graphql (FLUXO_CORS_ORIGINS). */
  corsOrigins?: readonly string[];
  limits: LimitOptions;
  /** Timeout and circuit breaker of every subgraph call. */
  subgraphFaults: SubgraphFaultOptions;
  keyCacheTtlMillis: number;
  /** How often `last used` times of keys are written, in one statement (default 5 s). */
  lastUsedFlushMillis?: number;
  /**
   * On stop, how long the gateway keeps answering with /ready at 503 before it
   * stops listening (FLUXO_DRAIN_GRACE_MS): the load balancer's time to notice.
   */
  drainGraceMillis?: number;
  /** Answer `apollo-query-plan-experimental: 1` with the query plan (FLUXO_EXPOSE_QUERY_PLAN=1; off in production). */
  exposeQueryPlan?: boolean;
  /** How long the worker keeps public events (FLUXO_PUBLIC_EVENTS_RETENTION_HOURS): live updates resume within it. */
  publicEventRetentionMillis?: number;
  /** The response cache (FLUXO_RESPONSE_CACHE, docs/response-cache.md); none unless given. */
  responseCache?: ResponseCacheOptions;
  /** Identical queries of one caller in flight at once executed once (FLUXO_SHARED_QUERIES, ./shared-queries); on unless false. */
  sharedQueries?: boolean;
  logger: Logger;
}

export interface RunningGateway extends RunningService {
  keys: KeyVerifier;
}

/**
 * The gateway: the supergraph over subgraph data sources that carry the
 * signed tenant context, behind Apollo Server on Express with the operational
 * routes beside /graphql, and live updates at /graphql/stream. Stops in
 * order: drain (see ./drain), end live streams, answer the requests in flight,
 * then the key cache, the subgraph connections and the rate-limit store.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger.child({ component: 'gateway' });
  const host = options.host ?? '127.0.0.1';
  const keys = new KeyVerifier(options.controlPlane, options.controlPlaneUrl, logger, {
    cacheTtlMillis: options.keyCacheTtlMillis,
    lastUsedFlushMillis: options.lastUsedFlushMillis ?? 5_000,
    maxEntries: 50_000,
  });
  await keys.start();
  const adminTokenHash = hashKey(options.adminToken);
  const sessions = options.sessionPublicKey
    ? new SessionVerifier(options.controlPlane, options.sessionPublicKey, keys, { cacheTtlMillis: options.keyCacheTtlMillis, maxEntries: 50_000 })
    : null;
  const providers = new OidcVerifier(options.controlPlane, new ProviderTokenVerifier({ allowHttp: options.oidcAllowHttp ?? false }), keys, {
    cacheTtlMillis: options.keyCacheTtlMillis,
    maxEntries: 50_000,
  });
  const globalOrigins = new Set(options.corsOrigins ?? []);
  const companyOrigins = new CompanyOrigins(options.controlPlane, keys, logger);
  await companyOrigins.reload();
  const identify = (req: http.IncomingMessage) => identifyCaller(req.headers, keys, adminTokenHash, sessions, providers);
  const limitStore = options.limits.redisUrl ? connectLimitStore(options.limits.redisUrl, logger) : null;
  const guardCredentials = credentialGuard(options.limits, limitStore);
  const subgraphFetch = keepAliveFetcher();
  const manifest = loadManifest(options.manifestPath);
  const metrics = createMetrics(manifest.names);
  const responseCache = new ResponseCache(
    options.responseCache ?? NO_RESPONSE_CACHE,
    options.controlPlane,
    options.controlPlaneUrl,
    metrics.registry,
    logger.child({ component: 'response-cache' }),
  );
  await responseCache.start();

  const gateway = new ApolloGateway({
    supergraphSdl: readSupergraph(options.supergraphPath),
    buildService: ({ name, url }) => {
      const fetcher = guardedFetcher(name, subgraphFetch.fetcher, options.subgraphFaults, { logger, onState: metrics.observeCircuit });
      return new TenantContextDataSource({ url: options.subgraphUrls[name] ?? url, fetcher }, name, metrics.observeFetch);
    },
    logger,
    // `apollo-query-plan-experimental: 1` returns the plan in extensions; for diagnosis, never on in production.
    __exposeQueryPlanExperimental: options.exposeQueryPlan ?? false,
  });

  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => enforceScalarGrammar(apiSchema));

  const app = express();
  app.disable('x-powered-by');
  const drain = new Drain();
  app.use(drain.closeConnections);
  // Which release answered, on every response: what a client reports with a bug.
  app.use((_req, res, next) => {
    res.setHeader(VERSION_HEADER, FLUXO_VERSION);
    next();
  });
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  const apollo = createApolloServer({
    gateway,
    httpServer,
    sandbox: options.sandbox,
    limits: options.limits,
    manifest,
    limitStore,
    metrics,
    responseCache,
    sharedQueries: new SharedQueries(options.sharedQueries ?? true, metrics.registry),
    logger,
  });
  await apollo.start();

  const liveEvents = new LiveEventHub(options.controlPlane, options.controlPlaneUrl, logger.child({ component: 'live-updates' }));
  await liveEvents.start();
  const context = requestContextBuilder({
    identify,
    guardCredentials,
    spendBudget: requestBudget(options.limits, limitStore),
    actingFor: (req, caller) => actingFor(req.headers, caller, options.controlPlane),
    // After the credential is judged: a page on the wrong company's origin is not a guessed credential.
    checkOrigin: (req, caller) => refuseForeignOrigin(req.headers, caller, globalOrigins, companyOrigins),
    contextPrivateKey: options.contextPrivateKey,
    logger,
  });
  const liveUpdates = liveUpdatesRoute({
    hub: liveEvents,
    db: options.controlPlane,
    context,
    credentialChanges: keys,
    retentionMillis: options.publicEventRetentionMillis ?? 168 * 3_600_000,
    logger: logger.child({ component: 'live-updates' }),
  });
  // Before /graphql, which would take the path too.
  app.use('/graphql/stream', ...frontDoor(options.limits.frontDoor, logger), liveUpdates.handler);
  // Its own app, without ETags: every answer is `cache-control: no-store`, so hashing each body for one was wasted.
  const graphqlApp = express();
  graphqlApp.disable('x-powered-by');
  graphqlApp.disable('etag');
  graphqlApp.use(corsFor(globalOrigins, companyOrigins), ...frontDoor(options.limits.frontDoor, logger), expressMiddleware(apollo, { context }));
  app.use('/graphql', graphqlApp);
  // After /graphql, the busiest route, which then meets no other route's layer first.
  if (options.sandbox) mountExplorer(app, options.explorerDir ?? defaultExplorerDir());
  mountWebApp(app, options.webAppDir ?? defaultWebAppDir());
  mountOperationalRoutes(app, {
    controlPlane: options.controlPlane,
    subgraphUrls: options.subgraphUrls,
    metrics,
    identify,
    guardCredentials,
    draining: () => drain.draining,
    logger,
  });
  app.use(unexpectedErrors(logger));

  const port = await listen(httpServer, options.port, host, 'PORT');
  logger.info({ port }, 'gateway listening');
  return {
    name: 'gateway',
    port,
    url: `http://${host}:${port}/graphql`,
    keys,
    stop: async () => {
      logger.info({ graceMillis: options.drainGraceMillis ?? 0 }, 'gateway draining');
      await drain.begin(options.drainGraceMillis ?? 0);
      // Open event streams never finish on their own: end them so the drain can.
      await liveUpdates.close();
      // Stops listening, answers the requests in flight, then ends the connections.
      await apollo.stop();
      await keys.stop();
      await responseCache.stop();
      await subgraphFetch.close();
      limitStore?.disconnect();
    },
  };
}

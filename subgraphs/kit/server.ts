import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import type { DocumentNode } from 'graphql';
import { listen, type RunningService } from '../../platform/listen';
import type { Logger } from '../../platform/logger';
import { verifyRequestContext, type BaseContext } from './context';
import { formatErrorFor } from '../../platform/errors';
import { UNSHARED_ANSWER_HEADER } from '../../platform/tenant-context';
import { tracingOn } from '../../platform/tracing';
import { requestTracingPlugin } from '../../platform/tracing-plugin';

export interface SubgraphDefinition<Ctx extends BaseContext> {
  /** Service name as the supergraph knows it, e.g. `access`. */
  name: string;
  typeDefs: DocumentNode;
  /** Codegen-typed resolvers of the subgraph. */
  resolvers: object;
  /** Adds the subgraph's own things (database handle, loaders) to the verified base context. */
  createContext: (base: BaseContext) => Ctx;
  /** Throws when the subgraph cannot serve (its databases are unreachable). */
  checkReady: () => Promise<void>;
}

function requestLogging<Ctx extends BaseContext>(): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors, response }) {
          if (contextValue.answer?.shareable === false) response.http.headers.set(UNSHARED_ANSWER_HEADER, '1');
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          contextValue.logger.info({ operationName, ms: Math.round(ms * 10) / 10, errors: errors?.length ?? 0 }, 'operation served');
        },
      };
    },
  };
}

/** Starts one subgraph as its own HTTP server: POST /graphql, GET /health, GET /ready. */
export async function startSubgraph<Ctx extends BaseContext>(
  definition: SubgraphDefinition<Ctx>,
  options: { port: number; host?: string; portVariable: string; publicKey: KeyObject; logger: Logger },
): Promise<RunningService> {
  const logger = options.logger.child({ subgraph: definition.name });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  const apollo = new ApolloServer<Ctx>({
    schema: buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers as GraphQLResolverMap<unknown> }),
    includeStacktraceInErrorResponses: false,
    // Our process owns SIGINT/SIGTERM and stops servers in order; Apollo's own handlers raced it.
    stopOnTerminationSignals: false,
    formatError: formatErrorFor(logger),
    logger,
    // Traces are not reported to a vendor; building them per request would be wasted work.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      requestLogging<Ctx>(),
      ...(tracingOn() ? [requestTracingPlugin<Ctx>((c) => ({ tenant: c.caller.tenant?.companyId, module: definition.name, requestId: c.requestId }))] : []),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: definition.name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await definition.checkReady();
      res.json({ status: 'ready', service: definition.name });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', service: definition.name });
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => definition.createContext(await verifyRequestContext(req.headers, options.publicKey, logger)),
    }),
  );

  const port = await listen(httpServer, options.port, options.host ?? '127.0.0.1', options.portVariable);
  logger.info({ port }, 'subgraph listening');
  return {
    name: definition.name,
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    stop: async () => {
      await apollo.stop();
    },
  };
}

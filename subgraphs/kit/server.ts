import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../platform/logger';
import { verifyRequestContext, type BaseContext } from './context';
import { ErrorCode } from './errors';

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

export interface RunningService {
  name: string;
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * An error a subgraph answered with, as the gateway relays it: its original is
 * the parsed JSON of the subgraph's response (not an Error), and the subgraph's
 * own formatError has already masked its faults.
 */
function relayedFromSubgraph(error: unknown): boolean {
  return error instanceof GraphQLError && typeof error.extensions.serviceName === 'string' && error.originalError !== undefined && !(error.originalError instanceof Error);
}

/** Masks unexpected faults: the client gets a code, the log gets the cause with the request id. */
export function formatErrorFor(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const expected = original instanceof GraphQLError || relayedFromSubgraph(error);
    if (expected && formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

function requestLogging<Ctx extends BaseContext>(): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          contextValue.logger.info({ operationName, ms: Math.round(ms * 10) / 10, errors: errors?.length ?? 0 }, 'operation served');
        },
      };
    },
  };
}

export async function listen(server: http.Server, port: number, host: string, portVariable: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(port, portVariable));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  return (server.address() as AddressInfo).port;
}

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly variable: string) {
    super(`Port ${port} is already in use; set ${variable} to another port.`);
  }
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
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(), requestLogging<Ctx>()],
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

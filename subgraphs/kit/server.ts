import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
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

/** The largest request body a subgraph reads: query plans' fetches are small; a flood of representations is not. */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/** The request's body, parsed when it is JSON (Apollo decides what it accepts from the content type). */
async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > BODY_LIMIT_BYTES) throw new RequestBodyError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new RequestBodyError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
  if (!/^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestBodyError(400, 'BAD_REQUEST', 'Request body is not valid JSON');
  }
}

/**
 * Starts one subgraph as its own HTTP server: POST /graphql, GET /health, GET /ready.
 *
 * Plain node:http in front of Apollo's executeHTTPGraphQLRequest, not Express: a subgraph serves three routes to
 * the gateway, and Express's router, body parser and per-response ETag hashing were a tenth of a subgraph's CPU per
 * fetch (bench/subgraph-fetch.ts).
 */
export async function startSubgraph<Ctx extends BaseContext>(
  definition: SubgraphDefinition<Ctx>,
  options: { port: number; host?: string; portVariable: string; publicKey: KeyObject; logger: Logger },
): Promise<RunningService> {
  const logger = options.logger.child({ subgraph: definition.name });
  const graphql = async (req: http.IncomingMessage, res: http.ServerResponse, search: string): Promise<void> => {
    const body = await readBody(req);
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search, body },
      context: async () => definition.createContext(await verifyRequestContext(req.headers, options.publicKey, logger)),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // A length, not chunked framing: one write, and clients that mishandle a chunked JSON answer read it whole.
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const ready = async (res: http.ServerResponse): Promise<void> => {
    try {
      await definition.checkReady();
      sendJson(res, 200, { status: 'ready', service: definition.name });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      sendJson(res, 503, { status: 'unavailable', service: definition.name });
    }
  };

  const httpServer = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    const search = at < 0 ? '' : url.slice(at);
    const route =
      path === '/graphql' || path === '/graphql/'
        ? graphql(req, res, search)
        : req.method === 'GET' && path === '/health'
          ? Promise.resolve(sendJson(res, 200, { status: 'ok', service: definition.name }))
          : req.method === 'GET' && path === '/ready'
            ? ready(res)
            : Promise.resolve(sendError(res, 404, 'NOT_FOUND', `No route ${req.method ?? ''} ${path}`));
    route.catch((error: unknown) => {
      if (error instanceof RequestBodyError) {
        if (!res.headersSent) sendError(res, error.status, error.code, error.message);
        req.resume();
        return;
      }
      logger.error({ err: error }, 'subgraph request failed');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.destroy();
    });
  });
  httpServer.keepAliveTimeout = 65_000;
  // Requests reach the handlers above only once listen() below has run, after this is set.
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

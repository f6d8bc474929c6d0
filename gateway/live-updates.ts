import type { IncomingMessage } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Request, RequestHandler, Response } from 'express';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createHandler } from 'graphql-sse';
import type { ControlPlane } from '../platform/control-plane';
import { badUserInput, ErrorCode, forbidden, moduleNotSubscribed, unauthenticated } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { PUBLIC_EVENT_TYPES, publicEventType, type PublicEventType } from '../subgraphs/contracts/public-events';
import type { Caller } from './caller';
import type { GatewayContext } from './context';
import type { LiveEventHub } from './live-updates-hub';
import { buildLiveUpdatesSchema, describeType, toLiveEventObject } from './live-updates-schema';
import { sharedSubscribe } from './live-updates-execution';
import { LiveStream } from './live-updates-stream';

/** Codes of live updates' own refusals (beside the gateway's UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED, ...). */
export const LiveUpdatesCode = {
  /** Events after the Last-Event-ID may have been deleted (retention): reload through /graphql, reconnect without it. */
  LAST_EVENT_ID_EXPIRED: 'LAST_EVENT_ID_EXPIRED',
  /** The request does not accept text/event-stream. */
  NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
} as const;

export interface LiveUpdatesOptions {
  hub: LiveEventHub;
  db: ControlPlane;
  /** The request context of /graphql: the same credential checks, guessing limit, origin check and rate budget. */
  context: (args: { req: IncomingMessage }) => Promise<GatewayContext>;
  /** The key verifier's notifications: a revoked key, ended session or changed company ends its streams. */
  credentialChanges: EventEmitter;
  /** How long public events are kept (FLUXO_PUBLIC_EVENTS_RETENTION_HOURS), for the expiry message. */
  retentionMillis: number;
  replayPageSize?: number;
  maxQueued?: number;
  logger: Logger;
}

/** One client's connection: who it is, what it may see, and the ids of the events it is sent, in order. */
type Connection = {
  caller: Caller & { tenant: NonNullable<Caller['tenant']> };
  logger: Logger;
  lastEventId: string | null;
  visible: readonly PublicEventType[];
  /** The seq of each event handed to GraphQL, shifted as its `next` message is written: the message's SSE id. */
  ids: string[];
  /** The hub's position when the stream began, sent as an id before any event so an idle client can resume too. */
  position: string | null;
  stream: LiveStream | null;
  /** Its operation's text, variables and name: connections with the same one share each event's execution. */
  operationKey: string;
};

/**
 * The public event types a caller sees: of a module its credential grants
 * (and the company subscribes to), whose permission it holds company-wide. A
 * permission held on some rows only (a SELF or DEPARTMENT role) is not enough:
 * an event is about one row, and the stream does not judge rows.
 */
export function visibleEventTypes(caller: Caller): PublicEventType[] {
  const companyModules = caller.tenant?.companyModules ?? [];
  return PUBLIC_EVENT_TYPES.filter(
    (t) =>
      caller.modules.includes(t.module) &&
      companyModules.includes(t.module) &&
      caller.grants.permissions.includes(t.permission) &&
      caller.grants.scoped[t.permission] === undefined,
  );
}

/** The types a subscription asked for, each known and visible, or a coded error naming the first that is not. */
function requestedTypes(names: readonly string[] | null | undefined, visible: readonly PublicEventType[]): Set<string> {
  if (!names) return new Set(visible.map((t) => t.name));
  names.forEach((name, i) => {
    const type = publicEventType(name);
    if (!type) throw badUserInput(`${name} is not a public event type (see liveEventTypes)`, `types.${i}`);
    if (visible.includes(type)) return;
    throw visible.some((v) => v.module === type.module)
      ? forbidden(`Events of type ${name} need the permission ${type.permission}, held company-wide`)
      : moduleNotSubscribed(type.module);
  });
  return new Set(names);
}

const LAST_EVENT_ID = /^\d{1,18}$/;

/**
 * Whether resuming after `after` may skip events the retention deleted: the
 * oldest event kept is later than the one after it. Seqs have gaps (a
 * rolled-back or repeated insert takes one), so the answer errs on the side
 * of telling the client.
 */
async function resumeExpired(db: ControlPlane, hub: LiveEventHub, after: bigint): Promise<boolean> {
  const { min } = await db
    .selectFrom('public_event')
    .select((eb) => eb.fn.min('seq').as('min'))
    .executeTakeFirstOrThrow();
  if (min === null) return hub.position !== null && after < BigInt(hub.position);
  return after + 1n < BigInt(min);
}

function expired(after: bigint, retentionMillis: number): GraphQLError {
  const hours = Math.round(retentionMillis / 3_600_000);
  return new GraphQLError(
    `Events after ${after} may no longer be kept (public events are kept ${hours} h): reload what you show through /graphql, then reconnect without Last-Event-ID`,
    { extensions: { code: LiveUpdatesCode.LAST_EVENT_ID_EXPIRED, lastEventId: String(after) } },
  );
}

/** A refusal before the stream opens, as /graphql answers it: GraphQL's JSON error shape with its HTTP status. */
function sendError(res: Response, error: unknown, logger: Logger): void {
  if (!(error instanceof GraphQLError)) {
    logger.error({ err: error }, 'live updates request failed');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
    return;
  }
  const http = error.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
  for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
  const code = String(error.extensions.code ?? ErrorCode.BAD_USER_INPUT);
  const status = http?.status ?? (code === ErrorCode.FORBIDDEN ? 403 : code === ErrorCode.UNAUTHENTICATED ? 401 : 400);
  const extensions: Record<string, unknown> = { ...error.extensions };
  delete extensions.http;
  res.status(status).json({ errors: [{ message: error.message, extensions }] });
}

/**
 * A `next` message's errors, each with a code: our own refusals keep theirs,
 * a document the schema refuses is GRAPHQL_VALIDATION_FAILED, an operation it
 * cannot run BAD_REQUEST, and anything else is a fault, logged and sent
 * without its message.
 */
function codedResult(result: ExecutionResult, logger: Logger): ExecutionResult | undefined {
  if (!result.errors?.some((e) => e.extensions?.code === undefined)) return undefined;
  const errors = result.errors.map((error) => {
    if (error.extensions?.code !== undefined) return error;
    // graphql-js's own refusals of the request have no cause and no path: a document the schema refuses, or an
    // operation it cannot run (a mutation, or several operations without a name).
    if (!error.originalError && !error.path) {
      return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'data' in result ? 'BAD_REQUEST' : 'GRAPHQL_VALIDATION_FAILED' } });
    }
    logger.error({ err: error.originalError ?? error }, 'live updates operation failed');
    return new GraphQLError('Internal server error', { path: error.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  });
  return { ...result, errors };
}

/** graphql-sse's own refusals of a request (a query that does not parse, a missing query) get a code, as /graphql's do. */
function codedRefusal(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    for (const error of parsed.errors ?? []) {
      error.extensions = { code: error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'BAD_REQUEST', ...error.extensions };
    }
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

/** Writes an event stream's chunks, giving each `next` message the SSE id of the event it carries. */
async function writeStream(res: Response, body: AsyncIterableIterator<string>, connection: Connection): Promise<void> {
  const write = (chunk: string) =>
    new Promise<boolean>((resolve, reject) => {
      if (!res.writable) return resolve(true); // the close event may come late
      res.write(chunk, (err) => (err ? reject(err) : resolve(false)));
    });
  const stop = () => void body.return?.(undefined);
  res.once('close', stop);
  try {
    if (connection.position !== null && (await write(`id: ${connection.position}\n\n`))) return;
    for await (const chunk of body) {
      const id = chunk.startsWith('event: next') ? connection.ids.shift() : undefined;
      if (await write(id ? `id: ${id}\n${chunk}` : chunk)) break;
    }
  } finally {
    res.off('close', stop);
    res.end();
  }
}

/**
 * Live updates at /graphql/stream: GraphQL over Server-Sent Events in
 * graphql-sse's distinct connections mode, on a small schema of the public
 * events (live-updates-schema.ts). A connection is authenticated exactly as
 * /graphql is; its stream carries its company's events of the types its
 * credential sees, each with its seq as the SSE id, and resumes after
 * Last-Event-ID. `close()` ends every stream (the gateway's stop).
 */
export function liveUpdatesRoute(options: LiveUpdatesOptions): { handler: RequestHandler; close: () => Promise<void> } {
  const open = new Set<Connection>();
  const schema = buildLiveUpdatesSchema<Connection>({
    liveEventTypes: (_root, _args, connection: Connection) => connection.visible.map(describeType),
    events: {
      subscribe: async (_root, args, connection: Connection) => {
        const wanted = requestedTypes(args.types, connection.visible);
        let after: bigint | null = null;
        if (connection.lastEventId !== null) {
          if (!LAST_EVENT_ID.test(connection.lastEventId)) throw badUserInput('Last-Event-ID must be the id of an event this stream sent (digits)');
          after = BigInt(connection.lastEventId);
          if (await resumeExpired(options.db, options.hub, after)) throw expired(after, options.retentionMillis);
        }
        // A fresh stream's position lets an idle client resume. A resumed one has its position: sent before the
        // replay, a later one would let a client that drops mid-replay skip the rest of it.
        if (after === null) connection.position = options.hub.position;
        connection.stream = new LiveStream({
          hub: options.hub,
          db: options.db,
          companyId: connection.caller.tenant.companyId,
          accepts: (type) => wanted.has(type),
          after,
          replayPageSize: options.replayPageSize ?? 500,
          maxQueued: options.maxQueued ?? 10_000,
          onYield: (seq) => connection.ids.push(seq),
          // Each id waits in `ids` until its message is written: the events graphql-sse holds for a slow socket.
          backlog: () => connection.ids.length,
          onEnd: (reason) => connection.logger.info({ reason }, 'live updates stream ended by the gateway'),
        });
        return connection.stream;
      },
      resolve: (event) => toLiveEventObject(event),
    },
  });
  const sse = createHandler<IncomingMessage, Connection, Connection>({
    schema,
    context: (req, params) => {
      req.context.operationKey = JSON.stringify([params.query, params.operationName ?? null, params.variables ?? null]);
      return req.context;
    },
    subscribe: sharedSubscribe<Connection>(),
    onNext: (connection, _req, result) => codedResult(result as ExecutionResult, connection.logger),
  });

  const onCredentialChange = (payload: string) => {
    for (const c of open) {
      const { caller } = c;
      const matches =
        payload === caller.keyId ||
        payload === `company:${caller.tenant.companyId}` ||
        (caller.user !== null && payload === `user:${caller.user.id}`) ||
        (caller.sessionId !== null && payload === `session:${caller.sessionId}`);
      if (matches) c.stream?.end();
    }
  };
  options.credentialChanges.on('notification', onCredentialChange);

  const handler: RequestHandler = async (req: Request, res: Response) => {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('text/event-stream')) {
      const message = 'Live updates are an event stream: send Accept: text/event-stream (graphql-sse, distinct connections mode)';
      res.status(406).json({ errors: [{ message, extensions: { code: LiveUpdatesCode.NOT_ACCEPTABLE } }] });
      return;
    }
    let connection: Connection;
    try {
      const context = await options.context({ req });
      const { caller } = context;
      if (caller.kind === 'ANONYMOUS') throw unauthenticated('Live updates need a company’s access key or a member’s access token');
      // The operator has no company of its own; acting for one (X-Fluxo-Company) it manages configuration, not events.
      if (!caller.tenant || caller.kind === 'ADMIN') throw forbidden('Live updates carry one company’s events: the operator has none');
      const lastEventId = req.headers['last-event-id'];
      connection = {
        caller: { ...caller, tenant: caller.tenant },
        logger: context.logger,
        lastEventId: typeof lastEventId === 'string' && lastEventId.trim() !== '' ? lastEventId.trim() : null,
        visible: visibleEventTypes(caller),
        ids: [],
        position: null,
        stream: null,
        operationKey: '',
      };
    } catch (error) {
      sendError(res, error, options.logger);
      return;
    }
    open.add(connection);
    try {
      const [body, init] = await sse({
        method: req.method,
        url: req.originalUrl,
        headers: {
          // graphql-sse takes the distinct connections mode only for exactly this value.
          get: (key) => {
            if (key === 'accept') return 'text/event-stream';
            const value = req.headers[key];
            return Array.isArray(value) ? value.join('\n') : value;
          },
        },
        body: () => Promise.resolve(req.body as Record<string, unknown>),
        raw: req,
        context: connection,
      });
      res.writeHead(init.status, init.statusText, init.headers as Record<string, string>);
      if (!body || typeof body === 'string') {
        res.end(body && init.status >= 400 ? codedRefusal(body) : (body ?? undefined));
        return;
      }
      connection.logger.debug({ types: connection.visible.length }, 'live updates stream opened');
      await writeStream(res, body, connection);
    } catch (error) {
      if (res.headersSent) {
        connection.logger.warn({ err: error }, 'live updates stream failed');
        res.end();
      } else sendError(res, error, connection.logger);
    } finally {
      open.delete(connection);
      await connection.stream?.return();
    }
  };

  return {
    handler,
    close: async () => {
      options.credentialChanges.off('notification', onCredentialChange);
      for (const c of open) c.stream?.end();
      await options.hub.stop();
    },
  };
}

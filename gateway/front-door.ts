import { createHash } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { FrontDoorLimits, LimitOptions } from '../platform/config';
import type { Logger } from '../platform/logger';
import { presentsCredential } from './caller';
import { checkJsonNesting, Refusal, RefusalCode, rememberingQueryCheck } from './request-bounds';

/** A client's mistake, in GraphQL's JSON shape, with HTTP 400 and nothing about the server in it. */
export function sendRefusal(res: Response, code: string, message: string, status = 400): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The gateway's front door on /graphql: everything a client controls is
 * bounded before Apollo parses or validates it, cheapest check first — content
 * type, body size (read with a cap), JSON nesting (a counter, before
 * JSON.parse), then the query's length, tokens, fields, aliases, repeated
 * response names and directives — and every refusal is a coded 400 in
 * GraphQL's JSON shape, logged at info level.
 */
export function frontDoor(limits: LimitOptions['frontDoor'], logger: Logger): Array<RequestHandler | ErrorRequestHandler> {
  const limitsFor = (req: Request): FrontDoorLimits => (presentsCredential(req.headers) ? limits.keyed : limits.anonymous);
  const readers = new Map([limits.keyed, limits.anonymous].map((l) => [l, express.raw({ type: () => true, limit: l.maxBodyBytes })] as const));
  const queryChecks = new Map([limits.keyed, limits.anonymous].map((l) => [l, rememberingQueryCheck(l)] as const));
  const boundsFor = (req: Request): Bounds => {
    const chosen = limitsFor(req);
    return { maxNesting: chosen.maxNesting, checkQuery: queryChecks.get(chosen)! };
  };
  const refuse = (req: Request, res: Response, refusal: Refusal) => {
    logger.info({ code: refusal.code, method: req.method, address: req.socket.remoteAddress }, 'request refused at the front door');
    sendRefusal(res, refusal.code, refusal.message);
  };

  const checkContentType: RequestHandler = (req, res, next) => {
    if (req.method !== 'POST' || JSON_TYPE.test(req.headers['content-type'] ?? '')) return next();
    refuse(req, res, new Refusal(RefusalCode.UNSUPPORTED_CONTENT_TYPE, 'A POST to /graphql must have Content-Type: application/json'));
  };
  const readBody: RequestHandler = (req, res, next) => (req.method === 'POST' ? readers.get(limitsFor(req))!(req, res, next) : next());
  const bound: RequestHandler = (req, res, next) => {
    try {
      if (req.method === 'POST') req.body = boundedBody(req.body, boundsFor(req));
      else if (req.method === 'GET') {
        boundGetRequest(req, boundsFor(req));
        // Apollo reads a GET from its URL, but wants the body property set.
        req.body ??= {};
      }
      next();
    } catch (error) {
      if (!(error instanceof Refusal)) return next(error);
      refuse(req, res, error);
    }
  };
  // body-parser's errors (too large, aborted, bad charset) become coded refusals instead of Express's HTML page.
  const bodyErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : null;
    if (type === null) return next(error);
    const limit = limitsFor(req).maxBodyBytes;
    refuse(
      req,
      res,
      type === 'entity.too.large'
        ? new Refusal(RefusalCode.BODY_TOO_LARGE, `The request body is larger than ${limit} bytes`)
        : new Refusal(RefusalCode.BAD_REQUEST, 'The request body could not be read'),
    );
  };
  return [checkContentType, readBody, bound, bodyErrors];
}

/** What the front door checks a request against: its caller's JSON nesting limit and query check. */
interface Bounds {
  maxNesting: number;
  checkQuery: (query: string) => void;
}

function boundedBody(raw: unknown, limits: Bounds): Record<string, unknown> {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') throw new Refusal(RefusalCode.BAD_REQUEST, 'The request body is empty; send {"query": "..."}');
  checkJsonNesting(text, limits.maxNesting);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Refusal(RefusalCode.MALFORMED_JSON, 'The request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new Refusal(RefusalCode.BAD_REQUEST, 'The request body must be one JSON object (batches are not accepted)');
  }
  const request = body as Record<string, unknown>;
  boundOperation(request.query, request.extensions, limits);
  return request;
}

/** A GET carries the query and JSON-encoded variables and extensions in its URL. */
function boundGetRequest(req: Request, limits: Bounds): void {
  const params = new URL(req.originalUrl, 'http://gateway').searchParams;
  for (const name of ['variables', 'extensions']) {
    const value = params.get(name);
    if (value) checkJsonNesting(value, limits.maxNesting);
  }
  let extensions: unknown;
  try {
    extensions = params.get('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    throw new Refusal(RefusalCode.MALFORMED_JSON, 'The extensions parameter is not valid JSON');
  }
  boundOperation(params.get('query') ?? undefined, extensions, limits);
}

/** The query's bounds, and the automatic persisted query protocol's own mistakes. */
function boundOperation(query: unknown, extensions: unknown, limits: Bounds): void {
  if (typeof query === 'string') limits.checkQuery(query);
  const persisted = typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, unknown>).persistedQuery : undefined;
  if (persisted === undefined) return;
  const { version, sha256Hash } = typeof persisted === 'object' && persisted !== null ? (persisted as Record<string, unknown>) : {};
  if (version !== 1) throw new Refusal(RefusalCode.PERSISTED_QUERY_VERSION_NOT_SUPPORTED, 'Only version 1 of persisted queries is supported');
  if (typeof sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(sha256Hash)) {
    throw new Refusal(RefusalCode.BAD_REQUEST, 'persistedQuery.sha256Hash must be the 64 hex digits of a SHA-256');
  }
  if (typeof query === 'string' && createHash('sha256').update(query).digest('hex') !== sha256Hash) {
    throw new Refusal(RefusalCode.PERSISTED_QUERY_HASH_MISMATCH, 'persistedQuery.sha256Hash is not the SHA-256 of the query sent with it');
  }
}

/** The last error handler: a fault is logged and answered in GraphQL's JSON shape, never as Express's HTML page with a stack trace. */
export function unexpectedErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    logger.error({ err: error, path: req.path }, 'unexpected error in the gateway');
    sendRefusal(res, 'INTERNAL_SERVER_ERROR', 'Internal server error', 500);
  };
}

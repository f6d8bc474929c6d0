import cors from 'cors';
import type { RequestHandler } from 'express';

/** Request headers a browser page may send: credentials, JSON, Apollo's CSRF and persisted-query headers, tracing. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'x-api-key',
  'traceparent',
];

/**
 * CORS for /graphql: only the configured origins (FLUXO_CORS_ORIGINS), each
 * exact, get `Access-Control-Allow-Origin`; any other origin gets none, so its
 * page cannot read an answer. Credentials travel as bearer tokens, never as
 * cookies, so `Allow-Credentials` is never sent and a wildcard never arises.
 * Apollo's CSRF prevention stays on behind this: a request a page could send
 * without a preflight (a "simple" one) is refused before it runs.
 */
export function corsFor(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: ['retry-after', 'x-request-id'],
    credentials: false,
    maxAge: 600,
  });
}

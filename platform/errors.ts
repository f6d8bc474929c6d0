import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';
import { isTenantMovingFault, TENANT_MOVING_MESSAGE } from './tenant-move-errors';

/** Codes of top-level errors (auth, limits, faults). Business failures are userErrors. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  MODULE_NOT_SUBSCRIBED: 'MODULE_NOT_SUBSCRIBED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** The credential's query-cost budget holds less than the query costs: retry after Retry-After seconds (docs/limits.md). */
  COST_LIMITED: 'COST_LIMITED',
  /** One query costs more than a whole budget holds: it can never run, and nothing was spent. */
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** A subgraph did not answer in time, could not be reached, or its circuit is open: its fields are null, the rest is served. */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /** The tenant's database is switching servers (platform/tenant-move.ts): nothing was done, retry in a moment. */
  TENANT_MOVING: 'TENANT_MOVING',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function unauthenticated(message = 'A valid access key is required'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message = 'This caller may not perform this operation'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function moduleNotSubscribed(module: string): GraphQLError {
  return new GraphQLError(`The ${module} module is not available here: the company does not subscribe to it, or this credential does not grant it`, {
    extensions: { code: ErrorCode.MODULE_NOT_SUBSCRIBED, module },
  });
}

export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}

/**
 * A subgraph's part of an operation that could not be fetched, at one path it
 * would have filled; the gateway relays it like an error the subgraph sent.
 */
export function subgraphUnavailable(subgraph: string, path?: ReadonlyArray<string | number>): GraphQLFormattedError {
  return {
    message: `The ${subgraph} subgraph is unavailable; its fields are null`,
    ...(path ? { path } : {}),
    extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, subgraph },
  };
}

/**
 * An error a subgraph answered with, as the gateway relays it: its original is
 * the parsed JSON of the subgraph's response (not an Error), and the subgraph's
 * own formatError has already masked its faults.
 */
function relayedFromSubgraph(error: unknown): boolean {
  return (
    error instanceof GraphQLError &&
    typeof error.extensions.serviceName === 'string' &&
    error.originalError !== undefined &&
    !(error.originalError instanceof Error)
  );
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
    if (isTenantMovingFault(original)) {
      logger.info({ err: original, path: formatted.path }, 'tenant database moving: retryable error');
      return {
        message: TENANT_MOVING_MESSAGE,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.TENANT_MOVING, retryable: true },
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

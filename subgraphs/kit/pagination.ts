import { sql, type RawBuilder } from 'kysely';
import { badUserInput } from './errors';
import { isCalendarDate } from '../../platform/dates';
import { isUuid } from '../../platform/ids';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Values of the ordering columns of the last row seen, e.g. [createdAt, id]. */
export type CursorValues = ReadonlyArray<string | number>;

/**
 * What each ordering column of a list's cursor holds. A cursor is client input:
 * its values are checked against this shape before they reach SQL.
 */
export type CursorPart = 'timestamp' | 'uuid' | 'string' | 'integer';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

const cursorPartIsValid: Record<CursorPart, (value: unknown) => boolean> = {
  timestamp: (v) => typeof v === 'string' && TIMESTAMP.test(v) && isCalendarDate(v.slice(0, 10)) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => typeof v === 'string' && isUuid(v),
  string: (v) => typeof v === 'string',
  integer: (v) => typeof v === 'number' && Number.isSafeInteger(v),
};

/**
 * A timestamptz column as a cursor value, with PostgreSQL's microseconds: a JS
 * Date keeps only milliseconds, and a truncated cursor repeats the last row of a
 * page on the next one. Compare it back with `${value}::timestamptz`.
 */
export function cursorTimestamp(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly CursorPart[]): CursorValues {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === shape.length && values.every((v, i) => cursorPartIsValid[shape[i]!](v))) {
      return values as CursorValues;
    }
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw badUserInput('The cursor given as `after` is not valid for this list', 'after');
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/**
 * A Relay connection whose fields are functions: GraphQL's default resolver
 * calls only those the client selected, and calls them together, so the page
 * and its count run at the same time on two of the tenant pool's connections
 * instead of one after the other.
 */
export interface Connection<T> {
  edges: () => Promise<Array<Edge<T>>>;
  pageInfo: () => Promise<PageInfo>;
  totalCount: () => Promise<number>;
  /** For lists whose schema offers matchCount (the searchable ones). */
  matchCount: (args: { limit?: number | null }) => Promise<MatchCount>;
}

/** A count that stops at a limit (GraphQL MatchCount). */
export interface MatchCount {
  count: number;
  exact: boolean;
}

export const DEFAULT_MATCH_COUNT_LIMIT = 1000;
export const MAX_MATCH_COUNT_LIMIT = 10_000;

/** The `limit` of matchCount: 1 to 10,000, 1,000 when not given. */
export function matchCountLimit(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return DEFAULT_MATCH_COUNT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MATCH_COUNT_LIMIT) {
    throw badUserInput(`\`limit\` must be between 1 and ${MAX_MATCH_COUNT_LIMIT}`, 'limit');
  }
  return limit;
}

/** An exact figure as a MatchCount under `limit`. */
export function capped(count: number, limit: number): MatchCount {
  return count > limit ? { count: limit, exact: false } : { count, exact: true };
}

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/**
 * Keyset pagination: the store fetches `limit + 1` rows strictly after the
 * decoded cursor in a stable order; the extra row tells whether a next page exists.
 * A bad `first` or cursor is refused here, before any SQL; the page is fetched
 * at most once, when edges or pageInfo are asked for, and counted at most once,
 * when totalCount is.
 */
export async function paginate<T>(
  request: PageRequest,
  options: {
    /** The cursor's ordering columns, e.g. ['timestamp', 'uuid'] for (created_at, id). */
    cursorShape: readonly CursorPart[];
    fetch: (args: { after: CursorValues | null; limit: number }) => Promise<T[]>;
    cursorOf: (row: T) => CursorValues;
    count: () => Promise<number>;
    /** Counts at most `limit` + 1 matches; without it matchCount counts them all. */
    countUpTo?: (limit: number) => Promise<MatchCount>;
  },
): Promise<Connection<T>> {
  const limit = pageSize(request.first);
  const after = request.after ? decodeCursor(request.after, options.cursorShape) : null;
  let fetched: Promise<{ edges: Array<Edge<T>>; hasNextPage: boolean }> | undefined;
  const page = () =>
    (fetched ??= (async () => {
      const rows = limit === 0 ? [] : await options.fetch({ after, limit: limit + 1 });
      const edges = rows.slice(0, limit).map((node) => ({ cursor: encodeCursor(options.cursorOf(node)), node }));
      return { edges, hasNextPage: rows.length > limit };
    })());
  let counted: Promise<number> | undefined;
  return {
    edges: async () => (await page()).edges,
    pageInfo: async () => {
      const { edges, hasNextPage } = await page();
      return { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
    },
    totalCount: () => (counted ??= options.count()),
    matchCount: async ({ limit }) => {
      const upTo = matchCountLimit(limit);
      return options.countUpTo ? options.countUpTo(upTo) : capped(await (counted ??= options.count()), upTo);
    },
  };
}

import { badUserInput } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Values of the ordering columns of the last row seen, e.g. [createdAt, id]. */
export type CursorValues = ReadonlyArray<string | number>;

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): CursorValues {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
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

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** A function, so GraphQL's default resolver counts only when the client asks. */
  totalCount: () => Promise<number>;
}

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/**
 * Keyset pagination: the store fetches `limit + 1` rows strictly after the
 * decoded cursor in a stable order; the extra row tells whether a next page exists.
 */
export async function paginate<T>(
  request: PageRequest,
  options: {
    cursorArity: number;
    fetch: (args: { after: CursorValues | null; limit: number }) => Promise<T[]>;
    cursorOf: (row: T) => CursorValues;
    count: () => Promise<number>;
  },
): Promise<Connection<T>> {
  const limit = pageSize(request.first);
  const after = request.after ? decodeCursor(request.after, options.cursorArity) : null;
  const rows = limit === 0 ? [] : await options.fetch({ after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(options.cursorOf(node)), node }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => (counted ??= options.count()),
  };
}

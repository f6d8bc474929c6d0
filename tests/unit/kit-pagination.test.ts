import { GraphQLError } from 'graphql';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  matchCountLimit,
  MAX_PAGE_SIZE,
  pageSize,
  paginate,
  type CursorValues,
} from '../../subgraphs/kit/pagination';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions.code;
  }
  throw new Error('expected a refusal');
}

interface Row {
  at: string;
  id: string;
}

const SHAPE = ['timestamp', 'uuid'] as const;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
// Rows already in keyset order (at, id), two per microsecond-precise instant; the fetch below is the store's contract in memory.
const rows: Row[] = Array.from({ length: 7 }, (_, i) => ({ at: `2026-01-05T09:30:00.00012${Math.floor(i / 2)}Z`, id: uuid(i) }));

function listRows(calls: Array<{ after: CursorValues | null; limit: number }>) {
  return async ({ after, limit }: { after: CursorValues | null; limit: number }) => {
    calls.push({ after, limit });
    const start = after ? rows.findIndex((r) => r.at > String(after[0]) || (r.at === String(after[0]) && r.id > String(after[1]))) : 0;
    return start < 0 ? [] : rows.slice(start, start + limit);
  };
}

describe('cursors', () => {
  it('round-trip the ordering values and are opaque base64url', () => {
    const values = ['2026-01-05T09:30:00.123456Z', 'a6a0d4e5-0b4c-4b40-8a55-5d43a7f6b0e1', 42];
    const cursor = encodeCursor(values);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('2026');
    expect(decodeCursor(cursor, ['timestamp', 'uuid', 'integer'])).toEqual(values);
    expect(decodeCursor(encodeCursor(['any text']), ['string'])).toEqual(['any text']);
  });

  it('refuse anything that is not a cursor of this list with BAD_USER_INPUT', () => {
    const bad = [
      'not-a-cursor',
      '',
      '!!!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('"text"').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      Buffer.from('[1,{"x":2}]').toString('base64url'),
      Buffer.from('[null,null]').toString('base64url'),
      Buffer.from('[true,"x"]').toString('base64url'),
      encodeCursor(['2026-01-05T09:30:00Z']),
      encodeCursor(['2026-01-05T09:30:00Z', uuid(1), 'extra']),
    ];
    for (const cursor of bad) expect(codeOf(() => decodeCursor(cursor, SHAPE))).toBe('BAD_USER_INPUT');
  });

  it('refuse well-encoded cursors whose values do not fit the list’s columns, before they reach SQL', () => {
    const bad: unknown[][] = [
      ['yesterday', uuid(1)],
      ['2026-02-30T00:00:00Z', uuid(1)],
      ['2026-01-05T09:30:00', uuid(1)],
      ['2026-01-05T09:30:00.1234567Z', uuid(1)],
      [1767605400000, uuid(1)],
      ['2026-01-05T09:30:00Z', 'not-a-uuid'],
      ['2026-01-05T09:30:00Z', "x'); drop table company; --"],
      ['2026-01-05T09:30:00Z', 1],
    ];
    for (const values of bad) expect(codeOf(() => decodeCursor(Buffer.from(JSON.stringify(values)).toString('base64url'), SHAPE))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(encodeCursor([1.5]), ['integer']))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(encodeCursor(['1']), ['integer']))).toBe('BAD_USER_INPUT');
    expect(decodeCursor(encodeCursor(['2026-01-05T09:30:00Z', uuid(1)]), SHAPE)).toEqual(['2026-01-05T09:30:00Z', uuid(1)]);
  });

  it('name the `after` argument in the refusal', () => {
    try {
      decodeCursor('not-a-cursor', SHAPE);
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
});

describe('page sizes', () => {
  it(`default to ${DEFAULT_PAGE_SIZE} and accept 0..${MAX_PAGE_SIZE}`, () => {
    expect(pageSize(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSize(null)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSize(0)).toBe(0);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(100);
  });

  it('refuse more than 100, negatives and fractions with BAD_USER_INPUT', () => {
    for (const first of [101, 1000, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(codeOf(() => pageSize(first))).toBe('BAD_USER_INPUT');
  });
});

describe('paginate', () => {
  const options = (calls: Array<{ after: CursorValues | null; limit: number }>, count = jest.fn(async () => rows.length)) => ({
    cursorShape: SHAPE,
    fetch: listRows(calls),
    cursorOf: (r: Row) => [r.at, r.id],
    count,
  });

  it('fetches one row more than the page to know whether a next page exists', async () => {
    const calls: Array<{ after: CursorValues | null; limit: number }> = [];
    const page = await paginate({ first: 3 }, options(calls));
    const edges = await page.edges();
    expect(calls).toEqual([{ after: null, limit: 4 }]);
    expect(edges.map((e) => e.node.id)).toEqual([uuid(0), uuid(1), uuid(2)]);
    const pageInfo = await page.pageInfo();
    expect(pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: edges[0]!.cursor, endCursor: edges[2]!.cursor });
    // The cursor keeps the microseconds: a millisecond cursor would hand the last row out again.
    expect(decodeCursor(pageInfo.endCursor!, SHAPE)).toEqual(['2026-01-05T09:30:00.000121Z', uuid(2)]);
    // edges and pageInfo share one fetch.
    expect(calls).toHaveLength(1);
  });

  it('walks every row exactly once following endCursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard += 1) {
      const page: Awaited<ReturnType<typeof paginate<Row>>> = await paginate({ first: 3, after }, options([]));
      seen.push(...(await page.edges()).map((e) => e.node.id));
      const pageInfo = await page.pageInfo();
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it('passes the decoded cursor to the store', async () => {
    const calls: Array<{ after: CursorValues | null; limit: number }> = [];
    await (await paginate({ first: 2, after: encodeCursor([rows[1]!.at, uuid(1)]) }, options(calls))).edges();
    expect(calls).toEqual([{ after: [rows[1]!.at, uuid(1)], limit: 3 }]);
  });

  it('does not fetch for first: 0, and counts only when asked, once', async () => {
    const calls: Array<{ after: CursorValues | null; limit: number }> = [];
    const count = jest.fn(async () => rows.length);
    const page = await paginate({ first: 0 }, options(calls, count));
    expect(await page.edges()).toEqual([]);
    expect(await page.pageInfo()).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(calls).toEqual([]);
    expect(count).not.toHaveBeenCalled();
    expect(await page.totalCount()).toBe(7);
    expect(await page.totalCount()).toBe(7);
    expect(count).toHaveBeenCalledTimes(1);
  });

  it('fetches nothing when only totalCount is asked', async () => {
    const calls: Array<{ after: CursorValues | null; limit: number }> = [];
    const page = await paginate({ first: 3 }, options(calls));
    expect(await page.totalCount()).toBe(7);
    expect(calls).toEqual([]);
  });

  it('runs the page and its count at the same time', async () => {
    // Neither store call settles until both have started: run one after the other, this would never finish.
    const started: string[] = [];
    let release!: () => void;
    const bothStarted = new Promise<void>((resolve) => (release = resolve));
    const arrive = async (name: string) => {
      started.push(name);
      if (started.length === 2) release();
      await bothStarted;
    };
    const page = await paginate<Row>(
      { first: 2 },
      {
        cursorShape: SHAPE,
        fetch: async () => (await arrive('page'), rows.slice(0, 3)),
        cursorOf: (r) => [r.at, r.id],
        count: async () => (await arrive('count'), rows.length),
      },
    );
    const [edges, total] = await Promise.all([page.edges(), page.totalCount()]);
    expect(started.sort()).toEqual(['count', 'page']);
    expect(edges).toHaveLength(2);
    expect(total).toBe(7);
  });

  it("answers matchCount with the store's capped count, or caps the full count when the list has none", async () => {
    const countUpTo = jest.fn(async (limit: number) => ({ count: Math.min(rows.length, limit), exact: rows.length <= limit }));
    const page = await paginate({ first: 3 }, { ...options([]), countUpTo });
    expect(await page.matchCount({})).toEqual({ count: 7, exact: true });
    expect(await page.matchCount({ limit: 5 })).toEqual({ count: 5, exact: false });
    expect(countUpTo.mock.calls).toEqual([[1000], [5]]);
    const plain = await paginate({ first: 3 }, options([]));
    expect(await plain.matchCount({ limit: 6 })).toEqual({ count: 6, exact: false });
    expect(await plain.matchCount({ limit: 7 })).toEqual({ count: 7, exact: true });
  });

  it('refuses a matchCount limit outside 1 to 10,000 with BAD_USER_INPUT', async () => {
    const page = await paginate({ first: 3 }, options([]));
    for (const limit of [0, -1, 10_001, 2.5]) await expect(page.matchCount({ limit })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(matchCountLimit(null)).toBe(1000);
    expect(matchCountLimit(10_000)).toBe(10_000);
  });

  it('refuses a bad cursor or page size before touching the store', async () => {
    const calls: Array<{ after: CursorValues | null; limit: number }> = [];
    await expect(paginate({ after: 'not-a-cursor' }, options(calls))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(paginate({ first: 1000 }, options(calls))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(calls).toEqual([]);
  });
});

import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import {
  containsPattern,
  isSubstringTerm,
  MAX_SEARCH_LENGTH,
  searchTerm,
  prefixRange,
  sharingTotal,
  splitTotal,
  startsWith,
  type ListedPage,
  type Planned,
} from '../../subgraphs/kit/search';

/** Compiles PostgreSQL and never connects. */
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('search patterns', () => {
  it('lower-case the term and escape LIKE wildcards', () => {
    expect(containsPattern('Anna.Ko')).toBe('%anna.ko%');
    expect(containsPattern('50%_\\')).toBe('%50\\%\\_\\\\%');
  });

  it('turn a prefix into the index range of the values that start with it', () => {
    expect(prefixRange('An')).toEqual({ from: 'an', below: 'ao' });
    // Wildcards are plain characters in a range.
    expect(prefixRange('%')).toEqual({ from: '%', below: '&' });
    expect(prefixRange('z')).toEqual({ from: 'z', below: '{' });
    // Past the last code point the one before carries; surrogates are skipped.
    expect(prefixRange('a\u{10FFFF}')).toEqual({ from: 'a\u{10FFFF}', below: 'b' });
    expect(prefixRange('\u{D7FF}')).toEqual({ from: '\u{D7FF}', below: '\u{E000}' });
    expect(prefixRange('\u{10FFFF}')).toEqual({ from: '\u{10FFFF}', below: null });
    const { sql, parameters } = startsWith('last_name', 'Br').compile(compiler);
    expect(sql).toBe('(lower("last_name") ~>=~ $1 AND lower("last_name") ~<~ $2)');
    expect(parameters).toEqual(['br', 'bs']);
  });

  it('trim the term, read a blank one as no search, and refuse one past the longest', () => {
    expect(searchTerm('  Anna ')).toBe('Anna');
    expect(searchTerm('   ')).toBeNull();
    expect(searchTerm(null)).toBeNull();
    expect(searchTerm('x'.repeat(MAX_SEARCH_LENGTH))).toHaveLength(MAX_SEARCH_LENGTH);
    expect(() => searchTerm('x'.repeat(MAX_SEARCH_LENGTH + 1))).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.search' }) }),
    );
  });

  it('match three characters or more anywhere, shorter terms as prefixes', () => {
    expect(isSubstringTerm('son')).toBe(true);
    expect(isSubstringTerm('an')).toBe(false);
    expect(isSubstringTerm('a')).toBe(false);
  });
});

describe('splitTotal', () => {
  it('takes the window count off the rows', () => {
    expect(
      splitTotal(
        [
          { id: 'a', total_matches: '7' },
          { id: 'b', total_matches: '7' },
        ],
        true,
      ),
    ).toEqual({ rows: [{ id: 'a' }, { id: 'b' }], total: 7 });
  });

  it('knows an empty first page means none, and an empty later page means nothing', () => {
    expect(splitTotal([], true)).toEqual({ rows: [], total: 0 });
    expect(splitTotal([], false)).toEqual({ rows: [], total: null });
  });
});

describe('sharingTotal', () => {
  const page = { after: null, limit: 3 };
  function setup(listed: ListedPage<string>) {
    // As the stores do: say the plan, then answer; a page that counts its matches has a total.
    const list = jest.fn(async (_page: unknown, planned: Planned) => (planned(listed.total !== null), listed));
    const count = jest.fn(async () => 99);
    const upTo = jest.fn(async (limit: number) => ({ count: limit, exact: false }));
    return { list, count, upTo, shared: sharingTotal(list, count, upTo) };
  }

  it("takes the page statement's total, whether totalCount is asked for before or after the page", async () => {
    for (const countFirst of [true, false]) {
      const { count, shared } = setup({ rows: ['a', 'b'], total: 7 });
      // As GraphQL calls sibling fields: one after the other in the same tick.
      const [total, rows] = countFirst
        ? await Promise.all([shared.count(), shared.fetch(page)])
        : (await Promise.all([shared.fetch(page), shared.count()])).reverse();
      expect(rows).toEqual(['a', 'b']);
      expect(total).toBe(7);
      expect(count).not.toHaveBeenCalled();
    }
  });

  it('counts on its own when the page did not count, or was not asked for', async () => {
    const walked = setup({ rows: ['a'], total: null });
    expect(await Promise.all([walked.shared.fetch(page), walked.shared.count()])).toEqual([['a'], 99]);
    expect(walked.count).toHaveBeenCalledTimes(1);

    const alone = setup({ rows: ['a'], total: 7 });
    expect(await alone.shared.count()).toBe(99);
    expect(alone.list).not.toHaveBeenCalled();
  });

  it('starts its own count as soon as the page says it will not count, without waiting for the page', async () => {
    let releasePage!: () => void;
    const pageMayEnd = new Promise<void>((resolve) => (releasePage = resolve));
    const count = jest.fn(async () => (releasePage(), 99));
    const shared = sharingTotal(
      async (_page: unknown, planned: Planned) => {
        planned(false);
        await pageMayEnd;
        return { rows: ['a'], total: null };
      },
      count,
      async () => ({ count: 0, exact: true }),
    );
    // Were the count to wait for the page, neither would ever finish.
    expect(await Promise.all([shared.fetch(page), shared.count()])).toEqual([['a'], 99]);
  });

  it('counts on its own when a fetch fails before it says its plan', async () => {
    const count = jest.fn(async () => 5);
    const shared = sharingTotal(
      async () => Promise.reject(new Error('down')),
      count,
      async () => ({ count: 0, exact: true }),
    );
    const [fetched, counted] = await Promise.allSettled([shared.fetch(page), shared.count()]);
    expect(fetched.status).toBe('rejected');
    expect(counted).toEqual({ status: 'fulfilled', value: 5 });
  });

  it("answers matchCount from the page statement's total too, capped at the limit", async () => {
    const sorted = setup({ rows: ['a'], total: 7 });
    const [, atMostFive, atMostTen] = await Promise.all([sorted.shared.fetch(page), sorted.shared.countUpTo(5), sorted.shared.countUpTo(10)]);
    expect(atMostFive).toEqual({ count: 5, exact: false });
    expect(atMostTen).toEqual({ count: 7, exact: true });
    expect(sorted.upTo).not.toHaveBeenCalled();

    const walked = setup({ rows: ['a'], total: null });
    expect((await Promise.all([walked.shared.fetch(page), walked.shared.countUpTo(5)]))[1]).toEqual({ count: 5, exact: false });
    expect(walked.upTo).toHaveBeenCalledWith(5);
  });
});

import { sql, type Expression, type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import { badUserInput } from './errors';
import { capped, type CursorValues, type MatchCount } from './pagination';

/**
 * Free-text search in lists. A term of this many characters or more is looked
 * for anywhere in a row's search text, through a trigram index. A shorter one
 * has no trigram to look up, and as a type-ahead it means the start of a word
 * anyway ("an" → Anna, Andersson; not Morgan), so it matches the start of the
 * list's name-like columns, through their text_pattern_ops indexes.
 */
export const SUBSTRING_MIN_LENGTH = 3;

/** Longer search terms are refused: no name, e-mail, tag or serial number is near it. */
export const MAX_SEARCH_LENGTH = 200;

/** A list's `search` argument: trimmed, null when blank, BAD_USER_INPUT past MAX_SEARCH_LENGTH. */
export function searchTerm(input: string | null | undefined): string | null {
  const term = input?.trim() ?? '';
  if (term.length > MAX_SEARCH_LENGTH) throw badUserInput(`\`search\` takes at most ${MAX_SEARCH_LENGTH} characters`, 'filter.search');
  return term === '' ? null : term;
}

export function isSubstringTerm(term: string): boolean {
  return term.length >= SUBSTRING_MIN_LENGTH;
}

/** Escapes LIKE's wildcards and lower-cases, so a search for "50%" looks for those characters. */
function literal(term: string): string {
  return term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** LIKE pattern: the term anywhere. */
export function containsPattern(term: string): string {
  return `%${literal(term)}%`;
}

/**
 * The text_pattern_ops range of values starting with the term (lower-cased):
 * `from <= value < below`, in the byte order those indexes use, which is code
 * point order. As a pure index range, unlike `LIKE 'te%'`, it leaves nothing to
 * recheck in the table, so counting a common prefix reads only the indexes.
 * `below` is null when no value is greater (a term of U+10FFFF only).
 */
export function prefixRange(term: string): { from: string; below: string | null } {
  const from = term.toLowerCase();
  const chars = [...from];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // The next code point, past the surrogates, which UTF-8 text cannot hold.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return { from, below: chars.join('') + String.fromCodePoint(next) };
    }
  }
  return { from, below: null };
}

/** SQL: `lower(column)` starts with the term, as a range over its text_pattern_ops index. */
export function startsWith(column: string, term: string): RawBuilder<boolean> {
  const { from, below } = prefixRange(term);
  const value = sql`lower(${sql.ref(column)})`;
  return below === null ? sql<boolean>`${value} ~>=~ ${from}` : sql<boolean>`(${value} ~>=~ ${from} AND ${value} ~<~ ${below})`;
}

/**
 * How many rows PostgreSQL expects a query to return, from its statistics: one
 * planning round trip, nothing executed. Stores use it to choose between
 * sorting a search's matches and walking the list's order (see the callers).
 */
export async function estimatedRows(query: Explainable): Promise<number> {
  const [row] = await query.explain('json');
  const plan = (row?.['QUERY PLAN'] as Array<{ Plan?: { 'Plan Rows'?: number } }> | undefined)?.[0]?.Plan;
  if (plan?.['Plan Rows'] === undefined) throw new Error('EXPLAIN returned no plan');
  return plan['Plan Rows'];
}

/** A query kysely can EXPLAIN (any select builder). */
export interface Explainable {
  explain(format: 'json'): Promise<Array<Record<string, unknown>>>;
}

/** A page of a list, and every match's count when the page's statement counted them. */
export interface ListedPage<Row> {
  rows: Row[];
  /** All matches, whatever the cursor; null when the page's plan did not count them. */
  total: number | null;
}

/**
 * Splits the `total_matches` window count off a sorted page's rows. An empty
 * page after a cursor says nothing of the count (the cursor may be past every
 * match); from the start, it means there is none.
 */
export function splitTotal<Row>(rows: Array<Row & { total_matches: string | number }>, fromStart: boolean): ListedPage<Row> {
  const total = rows[0] ? Number(rows[0].total_matches) : fromStart ? 0 : null;
  return { rows: rows.map(({ total_matches: _, ...row }) => row as Row), total };
}

/** Up to this many expected matches a search page is sorted from its matches (searchPage). */
export const SORT_MATCHES_UP_TO = 20_000;

/**
 * A page of search results in a list's keyset order, its keys found first and
 * its rows then read by id. PostgreSQL's estimate of the matches picks the
 * plan, said through `planned` as soon as it is chosen:
 * - up to SORT_MATCHES_UP_TO matches, all of them are taken through the search
 *   indexes and their keys sorted, and the same scan counts them
 *   (`count(*) OVER ()`, the total whatever the cursor). OFFSET 0 fences the
 *   matches: left to itself PostgreSQL walks the list's order and discards
 *   non-matches, tens of ms when the matches sort late (a shared last name, a
 *   category's tags). Sorting 20,000 keys costs about what the worst such walk
 *   does; the estimate (statistics target 1000 on search_text) is close enough
 *   for the choice, and a wrong guess costs time, never a wrong page;
 * - beyond, the matches are spread widely enough for a walk in the list's order
 *   to find a page at once. The lists' order indexes carry the searched columns,
 *   so the walk reads only the index and rows that do not match cost no table
 *   read.
 * The rows are typed by the list's table and columns. The statements around the
 * keys are SQL: the query builder cannot type joins of a table named at run time.
 */
export async function searchPage<DB, TB extends keyof DB, Keys, Table extends keyof DB & string, Column extends keyof Selectable<DB[Table]> & string>(
  db: Kysely<DB> | Transaction<DB>,
  list: {
    /** The filtered query of the list's keys: its order columns, id last. */
    keys: SelectQueryBuilder<DB, TB, Keys>;
    order: ReadonlyArray<keyof Keys & string>;
    /** Where the page's rows are read by id, and which of their columns. */
    table: Table;
    columns: readonly Column[];
  },
  page: { after: CursorValues | null; limit: number },
  planned: Planned,
): Promise<ListedPage<Pick<Selectable<DB[Table]>, Column>>> {
  type Row = Pick<Selectable<DB[Table]>, Column>;
  const order = (from?: string) => sql.join(list.order.map((c) => sql.ref(from ? `${from}.${c}` : c)));
  const afterCursor = (values: CursorValues) => sql<boolean>`(${order()}) > (${sql.join(values.map(String))})`;
  /** The rows of a page given by its keys (a query in parentheses), in the list's order. */
  const byId = <Extra>(pageKeys: Expression<unknown>, extra: RawBuilder<unknown> = sql``) => sql<Row & Extra>`
    select ${sql.join(list.columns.map((c) => sql.ref(`r.${c}`)))}${extra}
    from ${pageKeys} as p inner join ${sql.table(list.table)} as r on r.id = p.id
    order by ${order('p')}`;
  const sorts = (await estimatedRows(list.keys)) <= SORT_MATCHES_UP_TO;
  planned(sorts);
  if (sorts) {
    const matches = sql`select m.*, count(*) OVER () as total_matches from ${list.keys.offset(0)} as m`;
    const cursor = page.after ? sql`where ${afterCursor(page.after)}` : sql``;
    const ranked = sql`(select * from (${matches}) as w ${cursor} order by ${order()} limit ${page.limit})`;
    const { rows } = await byId<{ total_matches: string }>(ranked, sql`, p.total_matches`).execute(db);
    return splitTotal(rows, page.after === null);
  }
  let walk = page.after ? list.keys.where(afterCursor(page.after)) : list.keys;
  for (const column of list.order) walk = walk.orderBy(sql.ref(column));
  return { rows: (await byId(walk.limit(page.limit)).execute(db)).rows, total: null };
}

/**
 * Called by a list's fetch once it has chosen its plan: true when the page
 * will be sorted from all the matches and so count them too.
 */
export type Planned = (countsMatches: boolean) => void;

/**
 * Lets a connection's totalCount take the figure its page's statement already
 * computed. A search page sorted from all its matches counts them in the same
 * scan (`count(*) OVER ()`), so counting again would read every match twice.
 * GraphQL calls a connection's field resolvers one after another in a single
 * synchronous loop, so after one await `count` knows whether the page was asked
 * for, whatever the order of the fields in the query. It then waits only for
 * the page's plan: a page that will count the matches gives its figure; one
 * that will not (a walk, a list without search) lets `count` run its own
 * statement at once, beside the page. matchCount's `countUpTo` shares the
 * figure the same way.
 */
export function sharingTotal<Row, Page>(
  fetch: (page: Page, planned: Planned) => Promise<ListedPage<Row>>,
  count: () => Promise<number>,
  countUpTo: (limit: number) => Promise<MatchCount>,
): { fetch: (page: Page) => Promise<Row[]>; count: () => Promise<number>; countUpTo: (limit: number) => Promise<MatchCount> } {
  let listed: Promise<ListedPage<Row>> | undefined;
  let planned!: Planned;
  const countsMatches = new Promise<boolean>((resolve) => (planned = resolve));
  const pageTotal = async (): Promise<number | null> => {
    await Promise.resolve();
    if (!listed || !(await countsMatches)) return null;
    return (await listed).total;
  };
  return {
    fetch: async (page) => {
      listed = fetch(page, planned);
      // A fetch that fails or ends without saying counts nothing: count on its own.
      listed.then(
        () => planned(false),
        () => planned(false),
      );
      return (await listed).rows;
    },
    count: async () => (await pageTotal()) ?? count(),
    countUpTo: async (limit) => {
      const total = await pageTotal();
      return total === null ? countUpTo(limit) : capped(total, limit);
    },
  };
}

/** How many rows a query returns, counting no further than `limit` + 1. */
export async function countUpTo<DB, TB extends keyof DB, O>(
  db: Kysely<DB> | Transaction<DB>,
  query: SelectQueryBuilder<DB, TB, O>,
  limit: number,
): Promise<MatchCount> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${query.limit(limit + 1)} as matches`.execute(db);
  return capped(Number(rows[0]!.n), limit);
}

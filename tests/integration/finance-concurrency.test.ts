import { fullGrants } from '../../platform/permissions';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { createLogger } from '../../platform/logger';
import type { ModuleContext } from '../../subgraphs/kit/module-context';
import { runModuleMutation } from '../../subgraphs/kit/mutation';
import type { UserError } from '../../subgraphs/kit/errors';
import { closePeriod } from '../../subgraphs/finance/services/periods';
import { postJournalEntries, postJournalEntry, reverseJournalEntry } from '../../subgraphs/finance/services/journal';
import type { FinanceDB } from '../../subgraphs/finance/store/db';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';

const CLIENTS = 4;
const logger = createLogger('test', 'silent');
let database: TestDatabase;
let company: Company;
let observer: Kysely<TenantDB>;
/** One connection per client, so their transactions really run side by side. */
let clients: Kysely<FinanceDB>[];

/** What runModuleMutation needs to act as a caller of this tenant, without HTTP. */
function clientContext(db: Kysely<FinanceDB>, client: number): ModuleContext<FinanceDB, undefined> {
  return {
    requestId: `client-${client}`,
    caller: {
      requestId: `client-${client}`,
      kind: 'STANDARD',
      keyId: null,
      user: null,
      sessionId: null,
      clientAddress: null,
      tenant: null,
      modules: ['FINANCE'],
      grants: fullGrants(['FINANCE']),
    },
    logger,
    module: 'FINANCE',
    tenant: () => {
      throw new Error('not needed: the database is given');
    },
    db: () => db,
    granted: true,
    loaders: undefined,
  };
}

type Day = { month: number; dom: number };
type Operation =
  { kind: 'post'; day: Day; cents: number[] } | { kind: 'batch'; days: Day[] } | { kind: 'reverse'; pick: number; day: Day } | { kind: 'close'; day: Day };

const day = fc.record({ month: fc.integer({ min: 1, max: 12 }), dom: fc.integer({ min: 1, max: 28 }) });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('post' as const), day, cents: fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 3 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), days: fc.array(day, { minLength: 1, maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(), day }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), day }) },
);
const scripts = fc.array(fc.array(operation, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: CLIENTS });

/** Integer cents as a decimal string, without any float in between. */
const amount = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const dateOf = (year: number, d: Day) => `${year}-${String(d.month).padStart(2, '0')}-${String(d.dom).padStart(2, '0')}`;

/** Debit cash once per amount, credit revenue with the total: balanced by construction. */
function entry(date: string, cents: number[]) {
  const total = cents.reduce((a, b) => a + b, 0);
  return {
    date,
    memo: 'concurrent',
    lines: [...cents.map((c) => ({ accountCode: '1000', debit: amount(c) })), { accountCode: '4000', credit: amount(total) }],
  };
}

interface Observed {
  posts: Array<{ id: string; date: string; startedAt: number }>;
  closes: Array<{ through: string; committedAt: number }>;
}

function expectOnly(errors: UserError[], allowed: string[]): void {
  for (const e of errors) expect(allowed).toContain(e.code);
}

async function runClient(client: number, script: Operation[], year: number, seen: Observed): Promise<void> {
  const ctx = clientContext(clients[client]!, client);
  for (const op of script) {
    const startedAt = performance.now();
    if (op.kind === 'post') {
      const result = await runModuleMutation(ctx, 'postJournalEntry', (trx, record) => postJournalEntry(trx, entry(dateOf(year, op.day), op.cents), record));
      if (result.journalEntry) seen.posts.push({ id: result.journalEntry.id, date: result.journalEntry.entry_date, startedAt });
      expectOnly(result.userErrors, ['PERIOD_CLOSED']);
    } else if (op.kind === 'batch') {
      const entries = op.days.map((d, i) => entry(dateOf(year, d), [100 + i]));
      const result = await runModuleMutation(ctx, 'postJournalEntries', (trx, record) => postJournalEntries(trx, { entries }, record));
      for (const e of result.journalEntries ?? []) seen.posts.push({ id: e.id, date: e.entry_date, startedAt });
      expectOnly(result.userErrors, ['PERIOD_CLOSED']);
    } else if (op.kind === 'reverse') {
      if (seen.posts.length === 0) continue;
      const target = seen.posts[op.pick % seen.posts.length]!;
      const date = [target.date, dateOf(year, op.day)].sort()[1]!;
      const result = await runModuleMutation(ctx, 'reverseJournalEntry', (trx, record) =>
        reverseJournalEntry(trx, { journalEntryId: target.id, date }, record),
      );
      if (result.journalEntry) seen.posts.push({ id: result.journalEntry.id, date: result.journalEntry.entry_date, startedAt });
      expectOnly(result.userErrors, ['PERIOD_CLOSED', 'ALREADY_REVERSED', 'CANNOT_REVERSE_REVERSAL']);
    } else {
      const through = dateOf(year, op.day);
      const result = await runModuleMutation(ctx, 'closePeriod', (trx, record) => closePeriod(trx, { through }, record));
      if (result.settings) seen.closes.push({ through, committedAt: performance.now() });
      expectOnly(result.userErrors, ['PERIOD_CLOSED']);
    }
  }
}

async function checkLedger(year: number, seen: Observed): Promise<void> {
  const db = observer;
  // Every entry balanced with at least two lines, and the ledger as a whole.
  const unbalanced = await sql`
    SELECT e.number FROM finance.journal_entry e JOIN finance.journal_line l ON l.entry_id = e.id
    WHERE e.year = ${year} GROUP BY e.number HAVING sum(l.debit) <> sum(l.credit) OR count(*) < 2`.execute(db);
  expect(unbalanced.rows).toEqual([]);
  const totals = await sql<{ d: string; c: string }>`SELECT coalesce(sum(debit), 0) AS d, coalesce(sum(credit), 0) AS c FROM finance.journal_line`.execute(db);
  expect(totals.rows[0]!.d).toBe(totals.rows[0]!.c);

  // Numbers 1..n without gaps, and the counter at n.
  const numbers = await sql<{ seq: number; number: string }>`SELECT seq, number FROM finance.journal_entry WHERE year = ${year} ORDER BY seq`.execute(db);
  expect(numbers.rows.map((r) => r.seq)).toEqual(numbers.rows.map((_, i) => i + 1));
  expect(numbers.rows.map((r) => r.number)).toEqual(numbers.rows.map((_, i) => `JE-${year}-${String(i + 1).padStart(6, '0')}`));
  const counter = await sql<{ last_value: number }>`SELECT last_value FROM finance.entry_number_counter WHERE year = ${year}`.execute(db);
  expect(counter.rows[0]?.last_value ?? 0).toBe(numbers.rows.length);
  expect(numbers.rows.length).toBe(seen.posts.length);

  // Nothing that started after a close committed landed in the closed period.
  for (const close of seen.closes) {
    const late = seen.posts.filter((p) => p.startedAt > close.committedAt && p.date <= close.through);
    expect(late).toEqual([]);
  }
  const settings = await sql<{ closed_through: string | null }>`SELECT closed_through FROM finance.settings`.execute(db);
  if (seen.closes.length > 0)
    expect(settings.rows[0]!.closed_through).toBe(
      seen.closes
        .map((c) => c.through)
        .sort()
        .at(-1),
    );

  // Reversed once each, and the daily balances agree with the lines.
  const reversals = await sql`
    SELECT o.number FROM finance.journal_entry o LEFT JOIN finance.journal_entry r ON r.reversal_of = o.id
    WHERE o.year = ${year} GROUP BY o.number, o.status HAVING (o.status = 'REVERSED') <> (count(r.id) = 1)`.execute(db);
  expect(reversals.rows).toEqual([]);
  const drift = await sql`
    SELECT coalesce(b.account_id, l.account_id) FROM finance.account_daily_balance b
    FULL JOIN (SELECT account_id, entry_date, sum(debit) AS d, sum(credit) AS c FROM finance.journal_line GROUP BY 1, 2) l ON l.account_id = b.account_id AND l.entry_date = b.day
    WHERE b.debit_total IS DISTINCT FROM l.d OR b.credit_total IS DISTINCT FROM l.c`.execute(db);
  expect(drift.rows).toEqual([]);
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Concurrent Co', modules: ['FINANCE'] });
  observer = company.openTenantDb();
  clients = Array.from({ length: CLIENTS }, () => company.openTenantDb<FinanceDB>());
});
afterAll(async () => {
  for (const c of clients ?? []) await c.destroy();
  await observer?.destroy();
  await database?.drop();
});

describe('the ledger under concurrent clients', () => {
  it('keeps entries balanced, numbers gap-free and closed periods closed, whatever the interleaving', async () => {
    // Each run gets a year of its own, so one run's close does not starve the next.
    let year = 2040;
    await fc.assert(
      fc.asyncProperty(scripts, async (perClient) => {
        year += 1;
        const seen: Observed = { posts: [], closes: [] };
        await Promise.all(perClient.map((script, client) => runClient(client, script, year, seen)));
        await checkLedger(year, seen);
      }),
      { numRuns: 25 },
    );
  });
});

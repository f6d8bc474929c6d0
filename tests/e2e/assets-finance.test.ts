import { toAmount } from '../../subgraphs/kit/money';
import Decimal from 'decimal.js';
import { sql } from 'kysely';
import { depreciationSchedule } from '../../subgraphs/assets/domain/depreciation';
import type { PostingCarrier } from '../../subgraphs/contracts/posting';
import type { Mutation, Query } from '../support/api';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { deliverEvents } from '../support/events';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// The asset register posting to the ledger, through the gateway: acquisition,
// depreciation runs (once per asset and month) and disposal, each exactly once,
// and only for a company that subscribes to FINANCE.

let t: TestStack;
let books: GatewayCompany;
let noLedger: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  books = await createCompany(t, { name: 'Ledgered Assets', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE'] });
  noLedger = await createCompany(t, { name: 'Unledgered Assets', modules: ['ASSETS', 'EMPLOYEES'] });
});
afterAll(async () => {
  await books?.tenantDb.destroy();
  await noLedger?.tenantDb.destroy();
  await t?.stop();
});

const as = <T = unknown>(company: { secret: string }, query: string, variables: Record<string, unknown> = {}) =>
  graphql<T>(t.gatewayUrl, query, variables, { token: company.secret });
const deliver = (company: GatewayCompany) => deliverEvents(t.database.config, t.database.db, company.slug);

const REGISTER = `mutation($input: RegisterAssetInput!) { registerAsset(input: $input) { asset { id } userErrors { field code } } }`;
const RUN = `mutation($period: String!) {
  runDepreciation(input: { period: $period }) {
    period assetCount totals { amount currency } runs { id period periodEnd assetCount total { amount currency } }
    userErrors { field code message }
  }
}`;
const DISPOSE = `mutation($input: DisposeAssetInput!) { disposeAsset(input: $input) { asset { id status disposal { bookValueAtDisposal { amount } gainOrLoss { amount } } } userErrors { field code } } }`;
const ENTRIES = `query {
  journalEntries(first: 100, filter: { sourceModule: "assets" }) {
    edges { node { number date memo source { module reference } lines { account { code } debit credit } } }
  }
}`;
const BALANCES = `query { trialBalance { totalDebit totalCredit rows { account { code } debit credit } } }`;
type Entry = Query['journalEntries']['edges'][number]['node'];

async function registerAsset(company: GatewayCompany, tag: string, change: Record<string, unknown> = {}): Promise<string> {
  const input = {
    tag,
    name: 'Laptop 14in',
    category: 'IT equipment',
    acquisitionDate: '2026-01-10',
    acquisitionCost: { amount: '1500.00', currency: 'EUR' },
    salvageValue: { amount: '300.00', currency: 'EUR' },
    usefulLifeMonths: 36,
    depreciationMethod: 'STRAIGHT_LINE',
    ...change,
  };
  const res = await as<Pick<Mutation, 'registerAsset'>>(company, REGISTER, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data!.registerAsset.userErrors).toEqual([]);
  return res.data!.registerAsset.asset!.id;
}

async function runDepreciation(company: GatewayCompany, period: string) {
  const res = await as<Pick<Mutation, 'runDepreciation'>>(company, RUN, { period });
  expect(res.errors).toBeUndefined();
  return res.data!.runDepreciation;
}

async function assetEntries() {
  const res = await as<Pick<Query, 'journalEntries'>>(books, ENTRIES);
  expect(res.errors).toBeUndefined();
  return res.data!.journalEntries.edges.map((e) => e.node);
}

/** Net balance per account code from the trial balance (debit positive), which must itself balance. */
async function netBalances(): Promise<Record<string, string>> {
  const res = await as<Pick<Query, 'trialBalance'>>(books, BALANCES);
  expect(res.errors).toBeUndefined();
  const { totalDebit, totalCredit, rows } = res.data!.trialBalance;
  expect(totalDebit).toBe(totalCredit);
  return Object.fromEntries(rows.map((r) => [r.account.code, r.debit !== '0.00' ? r.debit : `-${r.credit}`]));
}

async function balance(code: string): Promise<string> {
  const res = await as<Pick<Query, 'account'>>(books, 'query($code: String!) { account(code: $code) { balance { amount } } }', { code });
  expect(res.errors).toBeUndefined();
  return res.data!.account!.balance.amount;
}

const lines = (entry: Entry | undefined) => entry!.lines.map((l) => [l.account.code, l.debit ? 'Dr' : 'Cr', l.debit ?? l.credit]);

describe('a company with FINANCE', () => {
  let assetId: string;
  let runIds: string[];

  it('posts the acquisition once: Dr 1500 / Cr 2000 at cost, dated the acquisition day', async () => {
    const settings = await as<Pick<Query, 'assetLedgerSettings'>>(
      books,
      'query { assetLedgerSettings { fixedAssets accumulatedDepreciation acquisitionCredit depreciationExpense disposalProceeds gainOnDisposal lossOnDisposal } }',
    );
    expect(settings.data!.assetLedgerSettings).toEqual({
      fixedAssets: '1500',
      accumulatedDepreciation: '1590',
      acquisitionCredit: '2000',
      depreciationExpense: '6500',
      disposalProceeds: '1100',
      gainOnDisposal: '4900',
      lossOnDisposal: '6900',
    });

    assetId = await registerAsset(books, 'LAP-0001');
    const report = await deliver(books);
    expect(report).toMatchObject({ failed: 0, dead: 0 });

    const entries = await assetEntries();
    expect(entries).toEqual([
      {
        number: expect.stringMatching(/^JE-2026-\d{6}$/),
        date: '2026-01-10',
        memo: 'Acquisition of asset LAP-0001',
        source: { module: 'assets', reference: `asset:${assetId}:acquisition` },
        lines: [
          { account: { code: '1500' }, debit: '1500.00', credit: null },
          { account: { code: '2000' }, debit: null, credit: '1500.00' },
        ],
      },
    ]);
    expect(await balance('1500')).toBe('1500.00');
    expect(await balance('2000')).toBe('1500.00');
  });

  it('posts each month of depreciation once: running a month again posts nothing', async () => {
    // 1200.00 / 36 = 33.33 a month.
    const february = await runDepreciation(books, '2026-02');
    expect(february).toEqual({
      period: '2026-02',
      assetCount: 1,
      totals: [{ amount: '33.33', currency: 'EUR' }],
      runs: [{ id: expect.any(String), period: '2026-02', periodEnd: '2026-02-28', assetCount: 1, total: { amount: '33.33', currency: 'EUR' } }],
      userErrors: [],
    });
    const march = await runDepreciation(books, '2026-03');
    expect(march).toMatchObject({ period: '2026-03', assetCount: 1, totals: [{ amount: '33.33', currency: 'EUR' }], userErrors: [] });
    runIds = [february.runs![0]!.id, march.runs![0]!.id];

    const again = await runDepreciation(books, '2026-02');
    expect(again).toEqual({ period: '2026-02', assetCount: 0, totals: [], runs: [], userErrors: [] });
    // No event for a run that posted nothing: one AssetDepreciated per month that did.
    const events = await books.tenantDb
      .selectFrom('assets.outbox')
      .select('aggregate_id')
      .where('event_type', '=', 'AssetDepreciated')
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.aggregate_id)).toEqual(runIds);

    expect(await deliver(books)).toMatchObject({ failed: 0, dead: 0 });
    const entries = await assetEntries();
    const depreciation = entries.filter((e) => e.source.reference!.startsWith('depreciation:'));
    expect(depreciation.map((e) => [e.date, e.source.reference, lines(e)])).toEqual([
      [
        '2026-03-31',
        `depreciation:2026-03:${runIds[1]}`,
        [
          ['6500', 'Dr', '33.33'],
          ['1590', 'Cr', '33.33'],
        ],
      ],
      [
        '2026-02-28',
        `depreciation:2026-02:${runIds[0]}`,
        [
          ['6500', 'Dr', '33.33'],
          ['1590', 'Cr', '33.33'],
        ],
      ],
    ]);
    // The schedule's February and March.
    const schedule = depreciationSchedule({ acquisitionDate: '2026-01-10', cost: '1500.00', salvage: '300.00', usefulLifeMonths: 36, method: 'STRAIGHT_LINE' });
    expect([schedule[1]!.depreciation, schedule[2]!.depreciation]).toEqual(['33.33', '33.33']);
    expect(await balance('6500')).toBe('66.66');
    // Accumulated depreciation is a contra asset: it shows negative.
    expect(await balance('1590')).toBe('-66.66');
  });

  it('refuses a month that has not begun, writing nothing', async () => {
    const before = await books.tenantDb
      .selectFrom('assets.depreciation_posting')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const refused = await runDepreciation(books, '2999-01');
    expect(refused).toEqual({
      period: null,
      assetCount: null,
      totals: null,
      runs: null,
      userErrors: [{ field: ['input', 'period'], code: 'PERIOD_IN_FUTURE', message: expect.any(String) }],
    });
    const malformed = await runDepreciation(books, '2026-13');
    expect(malformed.userErrors).toEqual([{ field: ['input', 'period'], code: 'INVALID_PERIOD', message: expect.any(String) }]);
    const after = await books.tenantDb
      .selectFrom('assets.depreciation_posting')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('posts the disposal once, catching up the months no run posted, and clears the asset from 1500 and 1590', async () => {
    // Disposed 30 June for 1000.00: Jan–Jun booked, 6 × 33.33 = 199.98; book value 1300.02; loss 300.02.
    // Runs posted Feb and Mar (66.66), so the disposal catches up Jan, Apr, May, Jun: 133.32.
    const disposed = await as<Pick<Mutation, 'disposeAsset'>>(books, DISPOSE, {
      input: { assetId, date: '2026-06-30', proceeds: { amount: '1000.00', currency: 'EUR' } },
    });
    expect(disposed.data!.disposeAsset).toEqual({
      asset: { id: assetId, status: 'DISPOSED', disposal: { bookValueAtDisposal: { amount: '1300.02' }, gainOrLoss: { amount: '-300.02' } } },
      userErrors: [],
    });
    expect(await deliver(books)).toMatchObject({ failed: 0, dead: 0 });

    const disposals = (await assetEntries()).filter((e) => e.source.reference === `asset:${assetId}:disposal`);
    expect(disposals).toHaveLength(1);
    expect(disposals[0]!.date).toBe('2026-06-30');
    expect(lines(disposals[0])).toEqual([
      ['6500', 'Dr', '133.32'],
      ['1590', 'Dr', '66.66'],
      ['1100', 'Dr', '1000.00'],
      ['6900', 'Dr', '300.02'],
      ['1500', 'Cr', '1500.00'],
    ]);
    expect(await balance('1500')).toBe('0.00');
    expect(await balance('1590')).toBe('0.00');
    // Depreciation expense equals the schedule's accumulated depreciation at disposal; the loss is the register's.
    expect(await balance('6500')).toBe('199.98');
    expect(await balance('6900')).toBe('300.02');
    expect(await balance('4900')).toBe('0.00');

    // The months the disposal caught up are posted: running them (or a month after the disposal) adds nothing.
    expect(await runDepreciation(books, '2026-04')).toMatchObject({ assetCount: 0, runs: [] });
    expect(await runDepreciation(books, '2026-07')).toMatchObject({ assetCount: 0, runs: [] });
    const posted = await books.tenantDb
      .selectFrom('assets.depreciation_posting')
      .select(['period', 'amount', 'run_id'])
      .where('asset_id', '=', assetId)
      .orderBy('period')
      .execute();
    expect(posted).toEqual([
      { period: '2026-01', amount: '33.33', run_id: null },
      { period: '2026-02', amount: '33.33', run_id: runIds[0] },
      { period: '2026-03', amount: '33.33', run_id: runIds[1] },
      { period: '2026-04', amount: '33.33', run_id: null },
      { period: '2026-05', amount: '33.33', run_id: null },
      { period: '2026-06', amount: '33.33', run_id: null },
    ]);
  });

  it('changes nothing when the events are delivered again', async () => {
    const entriesBefore = await assetEntries();
    const balancesBefore = await netBalances();
    await sql`UPDATE assets.outbox SET status = 'PENDING', next_attempt_at = now()`.execute(books.tenantDb);
    const first = await deliver(books);
    const second = await deliver(books);
    expect(first).toMatchObject({ failed: 0, dead: 0 });
    expect(second).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(await assetEntries()).toEqual(entriesBefore);
    expect(await netBalances()).toEqual(balancesBefore);
    // Acquisition, two runs, disposal.
    expect(entriesBefore).toHaveLength(4);
  });

  it('posts to the accounts the settings name, from the next posting on', async () => {
    const invalid = await as<Pick<Mutation, 'updateAssetLedgerSettings'>>(
      books,
      'mutation { updateAssetLedgerSettings(input: { acquisitionCredit: "11 00" }) { assetLedgerSettings { acquisitionCredit } userErrors { field code } } }',
    );
    expect(invalid.data!.updateAssetLedgerSettings).toEqual({
      assetLedgerSettings: null,
      userErrors: [{ field: ['input', 'acquisitionCredit'], code: 'INVALID_ACCOUNT_CODE' }],
    });
    const updated = await as<Pick<Mutation, 'updateAssetLedgerSettings'>>(
      books,
      'mutation { updateAssetLedgerSettings(input: { acquisitionCredit: "1100" }) { assetLedgerSettings { acquisitionCredit fixedAssets } userErrors { field code } } }',
    );
    expect(updated.data!.updateAssetLedgerSettings).toEqual({ assetLedgerSettings: { acquisitionCredit: '1100', fixedAssets: '1500' }, userErrors: [] });

    const paidCash = await registerAsset(books, 'DSK-0001', {
      name: 'Desk',
      category: 'Furniture',
      acquisitionCost: { amount: '800.00', currency: 'EUR' },
      salvageValue: null,
    });
    await deliver(books);
    const entry = (await assetEntries()).find((e) => e.source.reference === `asset:${paidCash}:acquisition`);
    expect(lines(entry)).toEqual([
      ['1500', 'Dr', '800.00'],
      ['1100', 'Cr', '800.00'],
    ]);
  });

  it('keeps the ledger settings to keys that grant ASSETS', async () => {
    const financeOnly = await issueKey(t, books, ['FINANCE']);
    const res = await graphql(t.gatewayUrl, RUN, { period: '2026-05' }, { token: financeOnly.secret });
    expect(res.errors?.[0]?.extensions?.code).toBe('MODULE_NOT_SUBSCRIBED');
  });
});

describe('a company without FINANCE', () => {
  it('registers and runs depreciation; nothing is posted and nothing dead-letters', async () => {
    await registerAsset(noLedger, 'LAP-0001');
    const run = await runDepreciation(noLedger, '2026-02');
    expect(run).toMatchObject({ assetCount: 1, totals: [{ amount: '33.33', currency: 'EUR' }], userErrors: [] });

    const report = await deliver(noLedger);
    expect(report).toEqual({ delivered: 2, failed: 0, dead: 0 });
    const outbox = await noLedger.tenantDb.selectFrom('assets.outbox').select(['event_type', 'status']).orderBy('seq').execute();
    expect(outbox).toEqual([
      { event_type: 'AssetRegistered', status: 'DELIVERED' },
      { event_type: 'AssetDepreciated', status: 'DELIVERED' },
    ]);
    // No ledger at all in this tenant: no finance schema, so no journal entry anywhere.
    const { rows } = await sql<{ ledger: string | null }>`SELECT to_regclass('finance.journal_entry')::text AS ledger`.execute(noLedger.tenantDb);
    expect(rows).toEqual([{ ledger: null }]);
    const journal = await as(noLedger, ENTRIES);
    expect(journal.errors?.[0]?.extensions?.code).toBe('MODULE_NOT_SUBSCRIBED');
  });

  it('posts each month of an asset once when runs and its disposal race', async () => {
    const assetId = await registerAsset(noLedger, 'RACE-0001');
    const [first, second, disposed] = await Promise.all([
      runDepreciation(noLedger, '2026-04'),
      runDepreciation(noLedger, '2026-04'),
      as<Pick<Mutation, 'disposeAsset'>>(noLedger, DISPOSE, { input: { assetId, date: '2026-04-30', proceeds: { amount: '0.00', currency: 'EUR' } } }),
    ]);
    expect(disposed.data!.disposeAsset.userErrors).toEqual([]);
    // LAP-0001 has April to post once; RACE-0001's April goes to whichever of a run or the disposal comes first.
    expect([first.userErrors, second.userErrors]).toEqual([[], []]);
    expect([1, 2]).toContain(first.assetCount! + second.assetCount!);

    const posted = await noLedger.tenantDb
      .selectFrom('assets.depreciation_posting')
      .select(['period', 'amount', 'run_id'])
      .where('asset_id', '=', assetId)
      .orderBy('period')
      .execute();
    expect(posted.map((p) => [p.period, p.amount])).toEqual([
      ['2026-01', '33.33'],
      ['2026-02', '33.33'],
      ['2026-03', '33.33'],
      ['2026-04', '33.33'],
    ]);
    // The disposal's entry catches up exactly the months it recorded and removes exactly what runs recorded.
    const event = await noLedger.tenantDb
      .selectFrom('assets.outbox')
      .select('payload')
      .where('event_type', '=', 'AssetDisposed')
      .where('aggregate_id', '=', assetId)
      .executeTakeFirstOrThrow();
    const line = (code: string) => (event.payload as PostingCarrier).posting!.lines.find((l) => l.accountCode === code)?.debit ?? '0.00';
    const sum = (rows: typeof posted) => toAmount(rows.reduce((total, r) => total.plus(r.amount), new Decimal(0)));
    expect(line('6500')).toBe(sum(posted.filter((p) => p.run_id === null)));
    expect(line('1590')).toBe(sum(posted.filter((p) => p.run_id !== null)));
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Entities, Mutation, Query } from '../support/api';
import { callSubgraph, createCompany, issueKey, type GatewayCompany } from '../support/company';
import { expectRefused, financeFootprint, financeOperation, mutateOk, rowCount, simpleEntry } from '../support/finance-fixtures';
import { exampleVariables, graphql, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on JournalEntry { id number status } } }`;
type Resolved = Entities<{ id: string; number: string; status: string }>;
const POST_BATCH = `mutation($input: PostJournalEntriesInput!) {
  postJournalEntries(input: $input) { journalEntries { id number date } userErrors { field message code } }
}`;
const CLOSE_PERIOD = `mutation($input: ClosePeriodInput!) { closePeriod(input: $input) { settings { closedThrough } userErrors { field message code } } }`;
const ENTRY = `query($id: ID!) { journalEntry(id: $id) { id number status total { amount currency } reversedBy { id } source { module reference } } }`;
const ACCOUNT = `query($code: String, $asOf: Date) { account(code: $code) { code normalBalance balance(asOf: $asOf) { amount currency } } }`;

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
/** SQL statements the finance subgraph ran, for the constant-SQL-per-page check. */
const financeSql: string[] = [];
/** Ids the contract flow produced, used by later tests. */
const flow: { accountId?: string; entryId?: string; transactionId?: string; reconciliationId?: string } = {};

const postEntry = financeOperation('PostJournalEntry');

beforeAll(async () => {
  t = await startTestStack({
    // It counts the statements of executing queries: the response cache would answer a repeated one from memory.
    responseCache: false,
    onQuery: (statement, _db, subgraph) => subgraph === 'finance' && financeSql.push(statement),
  });
  acme = await createCompany(t, { name: 'Acme Ledger', modules: ['FINANCE', 'EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta Ledger', modules: ['FINANCE'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('the contract flow on a freshly provisioned tenant, with the example variables', () => {
  it('creates account 1010 next to the default chart', async () => {
    const payload = await mutateOk(acme, financeOperation('CreateAccount'), 'createAccount', exampleVariables('CreateAccount'));
    expect(payload.account).toEqual({ id: expect.any(String), code: '1010', name: 'Operating bank account', type: 'ASSET' });
    flow.accountId = payload.account.id;

    const res = await acme.gql<Pick<Query, 'accounts'>>(financeOperation('Accounts'), exampleVariables('Accounts'));
    expect(res.errors).toBeUndefined();
    const codes = res.data!.accounts.edges.map((e) => e.node.code);
    expect(codes).toEqual(['1000', '1010', '1100', '1500', '1590', '2000', '2100', '2200', '2300', '3000', '4000', '4900', '6000', '6100', '6500', '6900']);
    expect(res.data!.accounts.totalCount).toBe(16);
    expect(res.data!.accounts.edges[1]!.node).toEqual({
      id: flow.accountId,
      code: '1010',
      name: 'Operating bank account',
      type: 'ASSET',
      balance: { amount: '0.00', currency: 'EUR' },
    });
  });

  it('posts Dr 1010 / Cr 4000 and lists it in the journal', async () => {
    const payload = await mutateOk(acme, postEntry, 'postJournalEntry', exampleVariables('PostJournalEntry'));
    expect(payload.journalEntry).toEqual({
      id: expect.any(String),
      number: 'JE-2026-000001',
      date: '2026-02-01',
      memo: 'Consulting income',
      status: 'POSTED',
      lines: [
        { account: { code: '1010', name: 'Operating bank account' }, debit: '1200.00', credit: null },
        { account: { code: '4000', name: 'Revenue' }, debit: null, credit: '1200.00' },
      ],
    });
    flow.entryId = payload.journalEntry.id;

    const list = await acme.gql<Pick<Query, 'journalEntries'>>(financeOperation('JournalEntries'), exampleVariables('JournalEntries'));
    expect(list.errors).toBeUndefined();
    expect(list.data!.journalEntries.totalCount).toBe(1);
    expect(list.data!.journalEntries.edges[0]!.node).toEqual({
      id: flow.entryId,
      number: 'JE-2026-000001',
      date: '2026-02-01',
      memo: 'Consulting income',
      status: 'POSTED',
      source: { module: 'finance', reference: null },
    });
  });

  it('shows a balanced trial balance', async () => {
    const res = await acme.gql<Pick<Query, 'trialBalance'>>(financeOperation('TrialBalance'), exampleVariables('TrialBalance'));
    expect(res.errors).toBeUndefined();
    expect(res.data!.trialBalance).toEqual({
      asOf: '2026-12-31',
      totalDebit: '1200.00',
      totalCredit: '1200.00',
      rows: [
        { account: { code: '1010', name: 'Operating bank account', type: 'ASSET' }, debit: '1200.00', credit: '0.00' },
        { account: { code: '4000', name: 'Revenue', type: 'INCOME' }, debit: '0.00', credit: '1200.00' },
      ],
    });
    const before = await acme.gql<Pick<Query, 'trialBalance'>>(financeOperation('TrialBalance'), { asOf: '2026-01-31' });
    expect(before.data!.trialBalance).toEqual({ asOf: '2026-01-31', totalDebit: '0.00', totalCredit: '0.00', rows: [] });
  });

  it('records a bank transaction and reconciles it against a statement', async () => {
    const recorded = await mutateOk(acme, financeOperation('RecordTransaction'), 'recordTransaction', exampleVariables('RecordTransaction'));
    expect(recorded.transaction).toEqual({
      id: expect.any(String),
      date: '2026-02-03',
      amount: '250.00',
      description: 'Card payment received',
      status: 'UNRECONCILED',
    });
    flow.transactionId = recorded.transaction.id;

    const started = await mutateOk(acme, financeOperation('StartReconciliation'), 'startReconciliation', exampleVariables('StartReconciliation'));
    expect(started.reconciliation).toEqual({
      id: expect.any(String),
      status: 'IN_PROGRESS',
      statementDate: '2026-02-28',
      statementBalance: '250.00',
      difference: '250.00',
    });
    flow.reconciliationId = started.reconciliation.id;

    const ids = { reconciliationId: flow.reconciliationId!, transactionId: flow.transactionId! };
    const matched = await mutateOk(acme, financeOperation('MatchTransactions'), 'matchTransactions', exampleVariables('MatchTransactions', ids));
    expect(matched.reconciliation).toEqual({
      id: flow.reconciliationId,
      difference: '0.00',
      matchedTransactions: [{ id: flow.transactionId, amount: '250.00' }],
    });

    const completed = await mutateOk(
      acme,
      financeOperation('CompleteReconciliation'),
      'completeReconciliation',
      exampleVariables('CompleteReconciliation', ids),
    );
    expect(completed.reconciliation).toEqual({ id: flow.reconciliationId, status: 'COMPLETED', difference: '0.00' });
    const bank = await acme.tenantDb.selectFrom('finance.bank_transaction').select('status').where('id', '=', flow.transactionId!).executeTakeFirstOrThrow();
    expect(bank.status).toBe('RECONCILED');
  });

  it('reverses the entry with a mirror entry, once', async () => {
    const payload = await mutateOk(
      acme,
      financeOperation('ReverseJournalEntry'),
      'reverseJournalEntry',
      exampleVariables('ReverseJournalEntry', { journalEntryId: flow.entryId! }),
    );
    expect(payload.journalEntry).toEqual({ id: expect.any(String), status: 'POSTED', reversalOf: { id: flow.entryId } });
    const original = await acme.gql<Pick<Query, 'journalEntry'>>(ENTRY, { id: flow.entryId });
    expect(original.data!.journalEntry).toEqual({
      id: flow.entryId,
      number: 'JE-2026-000001',
      status: 'REVERSED',
      total: { amount: '1200.00', currency: 'EUR' },
      reversedBy: { id: payload.journalEntry.id },
      source: { module: 'finance', reference: null },
    });
    // 1200 in, 250 in by bank, 1200 out by the reversal.
    const balance = await acme.gql<Pick<Query, 'account'>>(ACCOUNT, { code: '1010' });
    expect(balance.data!.account).toEqual({ code: '1010', normalBalance: 'DEBIT', balance: { amount: '250.00', currency: 'EUR' } });
    const asOfFirst = await acme.gql<Pick<Query, 'account'>>(ACCOUNT, { code: '1010', asOf: '2026-02-01' });
    expect(asOfFirst.data!.account!.balance.amount).toBe('1200.00');
    const revenue = await acme.gql<Pick<Query, 'account'>>(ACCOUNT, { code: '4000', asOf: '2026-02-03' });
    expect(revenue.data!.account).toEqual({ code: '4000', normalBalance: 'CREDIT', balance: { amount: '250.00', currency: 'EUR' } });

    await expectRefused(acme, financeOperation('ReverseJournalEntry'), 'reverseJournalEntry', { input: { journalEntryId: flow.entryId, date: '2026-02-05' } }, [
      [['input', 'journalEntryId'], 'ALREADY_REVERSED'],
    ]);
  });
});

describe('bad input is a userError with a code, and writes nothing', () => {
  const lines = (...l: Array<Record<string, unknown>>) => ({ input: { date: '2026-03-10', memo: 'bad', lines: l } });

  it('refuses unbalanced, one-line, zero, negative, 3-decimal, both-sided and unknown-account entries', async () => {
    const cases: Array<[Record<string, unknown>, Array<[string[] | null, string]>]> = [
      [lines({ accountCode: '1000', debit: '100.00' }, { accountCode: '4000', credit: '99.99' }), [[['input', 'lines'], 'UNBALANCED']]],
      [lines({ accountCode: '1000', debit: '100.00' }), [[['input', 'lines'], 'TOO_FEW_LINES']]],
      [
        lines({ accountCode: '1000', debit: '0' }, { accountCode: '4000', credit: '0.00' }),
        [
          [['input', 'lines', '0', 'debit'], 'AMOUNT_NOT_POSITIVE'],
          [['input', 'lines', '1', 'credit'], 'AMOUNT_NOT_POSITIVE'],
        ],
      ],
      [
        lines({ accountCode: '1000', debit: '-5.00' }, { accountCode: '4000', credit: '-5.00' }),
        [
          [['input', 'lines', '0', 'debit'], 'AMOUNT_NOT_POSITIVE'],
          [['input', 'lines', '1', 'credit'], 'AMOUNT_NOT_POSITIVE'],
        ],
      ],
      [
        lines({ accountCode: '1000', debit: '10.005' }, { accountCode: '4000', credit: '10.005' }),
        [
          [['input', 'lines', '0', 'debit'], 'INVALID_AMOUNT'],
          [['input', 'lines', '1', 'credit'], 'INVALID_AMOUNT'],
        ],
      ],
      [
        lines({ accountCode: '1000', debit: '10.00', credit: '10.00' }, { accountCode: '4000', credit: '10.00' }),
        [[['input', 'lines', '0'], 'DEBIT_AND_CREDIT']],
      ],
      [lines({ accountCode: '1000' }, { accountCode: '4000', credit: '10.00' }), [[['input', 'lines', '0'], 'DEBIT_AND_CREDIT']]],
      [lines({ accountCode: '9999', debit: '10.00' }, { accountCode: '4000', credit: '10.00' }), [[['input', 'lines', '0', 'accountCode'], 'UNKNOWN_ACCOUNT']]],
    ];
    for (const [variables, errors] of cases) await expectRefused(acme, postEntry, 'postJournalEntry', variables, errors);
  });

  it('refuses a taken account code and a bank transaction on an account that cannot be a bank', async () => {
    await expectRefused(acme, financeOperation('CreateAccount'), 'createAccount', { input: { code: '1010', name: 'Again', type: 'ASSET' } }, [
      [['input', 'code'], 'ACCOUNT_CODE_TAKEN'],
    ]);
    await expectRefused(acme, financeOperation('CreateAccount'), 'createAccount', { input: { code: '7000', name: 'Odd', type: 'INCOME', isBank: true } }, [
      [['input', 'isBank'], 'NOT_A_BANK_ACCOUNT'],
    ]);
    const input = { ...exampleVariables('RecordTransaction').input, date: '2026-03-10' };
    await expectRefused(
      acme,
      financeOperation('RecordTransaction'),
      'recordTransaction',
      { input: { ...input, bankAccountCode: '4000', counterAccountCode: '1010' } },
      [[['input', 'bankAccountCode'], 'NOT_A_BANK_ACCOUNT']],
    );
    await expectRefused(acme, financeOperation('RecordTransaction'), 'recordTransaction', { input: { ...input, bankAccountCode: '1590' } }, [
      [['input', 'bankAccountCode'], 'NOT_A_BANK_ACCOUNT'],
    ]);
    await expectRefused(acme, financeOperation('RecordTransaction'), 'recordTransaction', { input: { ...input, amount: '0.00' } }, [
      [['input', 'amount'], 'INVALID_AMOUNT'],
    ]);
  });

  it('refuses a reconciliation with a difference, and a transaction matched twice', async () => {
    const recorded = await mutateOk(acme, financeOperation('RecordTransaction'), 'recordTransaction', {
      input: { bankAccountCode: '1100', counterAccountCode: '4000', date: '2026-03-05', amount: '-40.00', description: 'Card fee', reference: 'stmt-0002' },
    });
    const started = await mutateOk(acme, financeOperation('StartReconciliation'), 'startReconciliation', {
      input: { bankAccountCode: '1100', statementDate: '2026-03-31', statementBalance: '-45.00' },
    });
    const reconciliationId = started.reconciliation.id;
    const matched = await mutateOk(acme, financeOperation('MatchTransactions'), 'matchTransactions', {
      input: { reconciliationId, transactionIds: [recorded.transaction.id] },
    });
    expect(matched.reconciliation.difference).toBe('-5.00');
    await expectRefused(acme, financeOperation('CompleteReconciliation'), 'completeReconciliation', { input: { reconciliationId } }, [
      [['input', 'reconciliationId'], 'RECONCILIATION_DIFFERENCE'],
    ]);
    await expectRefused(
      acme,
      financeOperation('MatchTransactions'),
      'matchTransactions',
      { input: { reconciliationId, transactionIds: [recorded.transaction.id] } },
      [[['input', 'transactionIds', '0'], 'ALREADY_MATCHED']],
    );
    // The contract flow's transaction belongs to a completed statement of another account.
    await expectRefused(
      acme,
      financeOperation('MatchTransactions'),
      'matchTransactions',
      { input: { reconciliationId, transactionIds: [flow.transactionId] } },
      [[['input', 'transactionIds', '0'], 'ALREADY_MATCHED']],
    );
    await expectRefused(acme, financeOperation('CompleteReconciliation'), 'completeReconciliation', { input: { reconciliationId: flow.reconciliationId } }, [
      [['input', 'reconciliationId'], 'RECONCILIATION_COMPLETED'],
    ]);
    await expectRefused(
      acme,
      financeOperation('StartReconciliation'),
      'startReconciliation',
      { input: { bankAccountCode: '1100', statementDate: '2026-04-30', statementBalance: '0' } },
      [[['input', 'bankAccountCode'], 'RECONCILIATION_IN_PROGRESS']],
    );
  });

  it('replays the same request under an idempotency key and refuses another request under it', async () => {
    const variables = { input: { ...simpleEntry('2026-03-12', '75.00'), idempotencyKey: 'inv-2026-0075' } };
    const first = await mutateOk(acme, postEntry, 'postJournalEntry', variables);
    const before = await financeFootprint(acme.tenantDb);
    // Same meaning, other spelling: amounts compare as numbers and key order does not matter.
    const again = await acme.gql<Pick<Mutation, 'postJournalEntry'>>(postEntry, {
      input: { idempotencyKey: 'inv-2026-0075', ...simpleEntry('2026-03-12', '75', { memo: 'Entry of 75.00' }) },
    });
    expect(again.data!.postJournalEntry).toEqual({ journalEntry: first.journalEntry, userErrors: [] });
    expect(await financeFootprint(acme.tenantDb)).toEqual(before);

    await expectRefused(acme, postEntry, 'postJournalEntry', { input: { ...simpleEntry('2026-03-12', '76.00'), idempotencyKey: 'inv-2026-0075' } }, [
      [['input', 'idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED'],
    ]);

    const bank = {
      input: {
        bankAccountCode: '1010',
        counterAccountCode: '4000',
        date: '2026-03-13',
        amount: '10.00',
        description: 'Cash sale',
        reference: 'r-1',
        idempotencyKey: 'bank-1',
      },
    };
    const recorded = await mutateOk(acme, financeOperation('RecordTransaction'), 'recordTransaction', bank);
    const beforeReplay = await financeFootprint(acme.tenantDb);
    const replay = await acme.gql<Pick<Mutation, 'recordTransaction'>>(financeOperation('RecordTransaction'), bank);
    expect(replay.data!.recordTransaction).toEqual({ transaction: recorded.transaction, userErrors: [] });
    expect(await financeFootprint(acme.tenantDb)).toEqual(beforeReplay);
    await expectRefused(acme, financeOperation('RecordTransaction'), 'recordTransaction', { input: { ...bank.input, amount: '11.00' } }, [
      [['input', 'idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED'],
    ]);
  });

  it('posts a batch all or nothing, with field paths into the failing entry and line', async () => {
    const good = (i: number) => simpleEntry('2026-03-20', `${i + 1}.00`);
    const entries = [
      good(0),
      good(1),
      good(2),
      {
        ...good(3),
        lines: [
          { accountCode: '1000', debit: '4.00' },
          { accountCode: '4000', credit: '4.00' },
          { accountCode: '4000', debit: '-1.00' },
        ],
      },
    ];
    await expectRefused(acme, POST_BATCH, 'postJournalEntries', { input: { entries } }, [
      [['input', 'entries', '3', 'lines', '2', 'debit'], 'AMOUNT_NOT_POSITIVE'],
    ]);
    const tooMany = Array.from({ length: 501 }, (_, i) => good(i));
    await expectRefused(acme, POST_BATCH, 'postJournalEntries', { input: { entries: tooMany } }, [[['input', 'entries'], 'TOO_MANY_ENTRIES']]);

    const posted = await mutateOk(acme, POST_BATCH, 'postJournalEntries', {
      input: { entries: [good(0), good(1), simpleEntry('2027-01-02', '9.00'), good(2)] },
    });
    const numbers = posted.journalEntries.map((e) => e.number);
    const [n0, n1, n2] = [numbers[0], numbers[1], numbers[3]].map((n) => Number(n!.slice(-6)));
    expect([n1! - n0!, n2! - n1!]).toEqual([1, 1]);
    expect(numbers[2]).toBe('JE-2027-000001');
  });

  it('closes a period: entries, reversals and bank transactions dated in it are refused, the close never moves back', async () => {
    const closed = await mutateOk(acme, CLOSE_PERIOD, 'closePeriod', { input: { through: '2026-03-15' } });
    expect(closed.settings).toEqual({ closedThrough: '2026-03-15' });
    await expectRefused(acme, postEntry, 'postJournalEntry', { input: simpleEntry('2026-03-15', '5.00') }, [[['input', 'date'], 'PERIOD_CLOSED']]);
    await expectRefused(
      acme,
      financeOperation('RecordTransaction'),
      'recordTransaction',
      { input: { ...exampleVariables('RecordTransaction').input, date: '2026-03-01' } },
      [[['input', 'date'], 'PERIOD_CLOSED']],
    );
    const afterClose = await mutateOk(acme, postEntry, 'postJournalEntry', { input: simpleEntry('2026-03-16', '5.00') });
    expect(afterClose.journalEntry.date).toBe('2026-03-16');
    const old = await acme.tenantDb.selectFrom('finance.journal_entry').select('id').where('entry_date', '=', '2026-03-12').executeTakeFirstOrThrow();
    await expectRefused(acme, financeOperation('ReverseJournalEntry'), 'reverseJournalEntry', { input: { journalEntryId: old.id } }, [
      [['input', 'date'], 'PERIOD_CLOSED'],
    ]);
    await expectRefused(acme, CLOSE_PERIOD, 'closePeriod', { input: { through: '2026-02-28' } }, [[['input', 'through'], 'PERIOD_CLOSED']]);
    // The database holds the line on its own.
    await expect(sql`UPDATE finance.settings SET closed_through = '2026-01-01'`.execute(acme.tenantDb)).rejects.toThrow(/cannot be reopened/);
  });

  it('refuses NOT_FOUND for unknown ids, also malformed ones', async () => {
    await expectRefused(acme, financeOperation('ReverseJournalEntry'), 'reverseJournalEntry', { input: { journalEntryId: randomUUID() } }, [
      [['input', 'journalEntryId'], 'NOT_FOUND'],
    ]);
    await expectRefused(acme, financeOperation('ReverseJournalEntry'), 'reverseJournalEntry', { input: { journalEntryId: 'nope' } }, [
      [['input', 'journalEntryId'], 'NOT_FOUND'],
    ]);
    await expectRefused(acme, financeOperation('CompleteReconciliation'), 'completeReconciliation', { input: { reconciliationId: 'nope' } }, [
      [['input', 'reconciliationId'], 'NOT_FOUND'],
    ]);
  });
});

describe('the database guards the ledger on its own', () => {
  it('refuses UPDATE and DELETE of posted lines and entries', async () => {
    const db = acme.tenantDb;
    await expect(sql`UPDATE finance.journal_line SET debit = debit + 1 WHERE entry_id = ${flow.entryId} AND line_no = 1`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM finance.journal_line WHERE entry_id = ${flow.entryId}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE finance.journal_line`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE finance.journal_entry SET memo = 'edited' WHERE id = ${flow.entryId}`.execute(db)).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM finance.journal_entry WHERE id = ${flow.entryId}`.execute(db)).rejects.toThrow(/cannot be deleted/);
    await expect(sql`UPDATE finance.account_daily_balance SET debit_total = 0`.execute(db)).rejects.toThrow(/maintained by the ledger/);
    const unreversed = await db
      .selectFrom('finance.journal_entry')
      .select('id')
      .where('status', '=', 'POSTED')
      .where('reversal_of', 'is', null)
      .executeTakeFirstOrThrow();
    await expect(sql`UPDATE finance.journal_entry SET status = 'REVERSED' WHERE id = ${unreversed.id}`.execute(db)).rejects.toThrow(/through its reversal/);
    const stillThere = await db
      .selectFrom('finance.journal_line')
      .select(['debit', 'credit'])
      .where('entry_id', '=', flow.entryId!)
      .orderBy('line_no')
      .execute();
    expect(stillThere).toEqual([
      { debit: '1200.00', credit: '0.00' },
      { debit: '0.00', credit: '1200.00' },
    ]);
  });

  it('refuses at commit an unbalanced entry, a one-line entry, and lines added to an entry posted earlier', async () => {
    const db = acme.tenantDb;
    const account = await db.selectFrom('finance.account').select('id').where('code', '=', '1000').executeTakeFirstOrThrow();
    const other = await db.selectFrom('finance.account').select('id').where('code', '=', '4000').executeTakeFirstOrThrow();
    const insertEntry = (id: string, seq: number) =>
      sql`INSERT INTO finance.journal_entry (id, year, seq, number, entry_date, currency, source_module) VALUES (${id}, 2030, ${seq}, ${`JE-2030-${String(seq).padStart(6, '0')}`}, '2030-01-01', 'EUR', 'finance')`;
    const line = (id: string, no: number, accountId: string, debit: string, credit: string) =>
      sql`INSERT INTO finance.journal_line (entry_id, line_no, account_id, entry_date, debit, credit) VALUES (${id}, ${no}, ${accountId}, '2030-01-01', ${debit}, ${credit})`;
    const before = await financeFootprint(db);
    const unbalanced = randomUUID();
    await expect(
      db.transaction().execute(async (trx) => {
        await insertEntry(unbalanced, 1).execute(trx);
        await line(unbalanced, 1, account.id, '10.00', '0').execute(trx);
        await line(unbalanced, 2, other.id, '0', '9.00').execute(trx);
      }),
    ).rejects.toThrow(/unbalanced/);
    const lonely = randomUUID();
    await expect(
      db.transaction().execute(async (trx) => {
        await insertEntry(lonely, 1).execute(trx);
        await line(lonely, 1, account.id, '10.00', '0').execute(trx);
      }),
    ).rejects.toThrow(/at least two/);
    expect(await financeFootprint(db)).toEqual(before);
    // A balanced pair added later to an existing entry would keep it balanced, yet change history: refused.
    await expect(
      db.transaction().execute(async (trx) => {
        await line(flow.entryId!, 3, account.id, '5.00', '0').execute(trx);
        await line(flow.entryId!, 4, other.id, '0', '5.00').execute(trx);
      }),
    ).rejects.toThrow(/only be added with their entry/);
  });
});

describe('reads', () => {
  it('pages the journal newest first with stable cursors, in a constant number of statements per page', async () => {
    const query = `query($first: Int, $after: String) { journalEntries(first: $first, after: $after) {
      edges { cursor node { number date lines { account { code } debit credit } } } pageInfo { hasNextPage endCursor } } }`;
    const all: string[] = [];
    let after: string | null = null;
    do {
      const res: GraphQLResponse<Pick<Query, 'journalEntries'>> = await acme.gql<Pick<Query, 'journalEntries'>>(query, { first: 3, after });
      expect(res.errors).toBeUndefined();
      all.push(...res.data!.journalEntries.edges.map((e) => `${e.node.date} ${e.node.number}`));
      after = res.data!.journalEntries.pageInfo.hasNextPage ? res.data!.journalEntries.pageInfo.endCursor! : null;
    } while (after);
    expect(all).toEqual([...all].sort().reverse());
    expect(new Set(all).size).toBe(await rowCount(acme.tenantDb, 'finance.journal_entry'));

    const statementsFor = async (first: number) => {
      financeSql.length = 0;
      const res = await acme.gql<Pick<Query, 'journalEntries'>>(query, { first });
      expect(res.data!.journalEntries.edges).toHaveLength(first);
      return financeSql.length;
    };
    expect(await statementsFor(2)).toBe(await statementsFor(8));
  });

  it('keeps the trial balance balanced after everything above', async () => {
    const res = await acme.gql<Pick<Query, 'trialBalance'>>(financeOperation('TrialBalance'), { asOf: null });
    expect(res.data!.trialBalance.totalDebit).toBe(res.data!.trialBalance.totalCredit);
    const { rows } = await sql<{ d: string; c: string }>`SELECT sum(debit) AS d, sum(credit) AS c FROM finance.journal_line`.execute(acme.tenantDb);
    expect(rows[0]!.d).toBe(rows[0]!.c);
  });
});

describe('isolation and gating', () => {
  it('gives company B null for company A’s entry, through the gateway and through _entities', async () => {
    const viaGateway = await beta.gql<Pick<Query, 'journalEntry'>>(ENTRY, { id: flow.entryId });
    expect(viaGateway.errors).toBeUndefined();
    expect(viaGateway.data!.journalEntry).toBeNull();

    const representations = [{ __typename: 'JournalEntry', id: flow.entryId }];
    const asB = await callSubgraph<Resolved>(t, 'finance', beta, ENTITIES, { r: representations }, ['FINANCE']);
    expect(asB.errors).toBeUndefined();
    expect(asB.data!._entities).toEqual([null]);
    // The same request as A resolves: the null above is isolation, not a broken query.
    const asA = await callSubgraph<Resolved>(t, 'finance', acme, ENTITIES, { r: [...representations, { __typename: 'JournalEntry', id: 'not-an-id' }] }, [
      'FINANCE',
    ]);
    expect(asA.data!._entities).toEqual([{ id: flow.entryId, number: 'JE-2026-000001', status: 'REVERSED' }, null]);
  });

  it('refuses a key without FINANCE with MODULE_NOT_SUBSCRIBED, reads and writes alike', async () => {
    const employeesOnly = await issueKey(t, acme, ['EMPLOYEES']);
    const before = await financeFootprint(acme.tenantDb);
    for (const [query, variables] of [
      [financeOperation('Accounts'), exampleVariables('Accounts')],
      [financeOperation('TrialBalance'), exampleVariables('TrialBalance')],
      [postEntry, { input: simpleEntry('2026-06-01', '1.00') }],
    ] as const) {
      const res = await employeesOnly.gql(query, variables);
      expect(res.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    }
    const direct = await callSubgraph<Resolved>(t, 'finance', acme, ENTITIES, { r: [{ __typename: 'JournalEntry', id: flow.entryId }] }, ['EMPLOYEES']);
    expect(direct.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    expect(await financeFootprint(acme.tenantDb)).toEqual(before);
  });

  it('refuses a forged context on the subgraph itself', async () => {
    const res = await graphql(t.subgraphUrl('finance'), ENTITIES, { r: [] }, { headers: { 'x-fluxo-context': 'forged' } });
    expect(res.status).toBe(401);
  });
});

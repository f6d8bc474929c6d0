import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createLogger } from '../../platform/logger';
import { publishEvents, type DeliveredEvent } from '../../platform/outbox';
import { eventActorOf } from '../../subgraphs/kit/actor';
import { actAs } from '../../subgraphs/kit/mutation';
import { postFromEvent } from '../../subgraphs/finance/services/postings';
import type { FinanceDB } from '../../subgraphs/finance/store/db';
import { loadConsumers } from '../../platform/subgraphs';
import { DEFAULT_RELAY_OPTIONS, drainTenant } from '../../worker/relay';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';
import { deliverEvents } from '../support/events';

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let company: Company;
let tenantDb: Kysely<TenantDB>;

/** A pay run's posting as payroll sends it: Dr salaries and employer contributions, Cr net pay, tax and contributions payable. */
function payRunPosting(reference: string, date = '2026-01-31') {
  return {
    reference,
    date,
    memo: 'Payroll 2026-01-01–2026-01-31',
    lines: [
      { accountCode: '6000', debit: '4200.00', description: 'Gross salaries' },
      { accountCode: '6100', debit: '840.00', description: 'Employer contributions' },
      { accountCode: '2100', credit: '2940.00', description: 'Net pay' },
      { accountCode: '2200', credit: '840.00', description: 'Income tax withheld' },
      { accountCode: '2300', credit: '1260.00', description: 'Employee and employer contributions' },
    ],
  };
}

async function publish(schema: 'payroll' | 'assets', type: string, aggregateId: string, payload: Record<string, unknown>): Promise<string> {
  await tenantDb
    .transaction()
    .execute((trx) =>
      publishEvents(trx, schema, [{ type, aggregateType: schema === 'payroll' ? 'PayRun' : 'Asset', aggregateId, payload }], `req-${randomUUID()}`),
    );
  const { rows } = await sql<{ id: string }>`SELECT id FROM ${sql.table(`${schema}.outbox`)} ORDER BY seq DESC LIMIT 1`.execute(tenantDb);
  return rows[0]!.id;
}

async function entriesFrom(module: string, reference: string) {
  return tenantDb
    .selectFrom('finance.journal_entry')
    .select(['id', 'number', 'entry_date', 'memo', 'source_module', 'source_reference', 'status'])
    .where('source_module', '=', module)
    .where('source_reference', '=', reference)
    .execute();
}

const deliver = () => deliverEvents(database.config, database.db, company.slug);

/** Polls (no timers) until a session of this tenant database waits for a lock. */
async function untilSomeoneWaitsForALock(): Promise<void> {
  for (let i = 0; i < 10_000; i += 1) {
    const { rows } = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(tenantDb);
    if (Number(rows[0]!.n) > 0) return;
  }
  throw new Error('nobody ever waited for a lock');
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Postings Co', modules: ['ASSETS', 'FINANCE', 'PAYROLL'] });
  tenantDb = company.openTenantDb();
});
afterAll(async () => {
  await tenantDb?.destroy();
  await database?.drop();
});

describe('postings from other modules', () => {
  it('turns a PayRunPosted event into exactly one balanced entry, however often it is delivered', async () => {
    const payRunId = randomUUID();
    const eventId = await publish('payroll', 'PayRunPosted', payRunId, { payRunId, posting: payRunPosting(payRunId) });
    await deliver();
    await sql`UPDATE payroll.outbox SET status = 'PENDING' WHERE id = ${eventId}`.execute(tenantDb);
    await deliver();

    const entries = await entriesFrom('payroll', payRunId);
    expect(entries).toEqual([
      {
        id: expect.any(String),
        number: expect.stringMatching(/^JE-2026-\d{6}$/),
        entry_date: '2026-01-31',
        memo: 'Payroll 2026-01-01–2026-01-31',
        source_module: 'payroll',
        source_reference: payRunId,
        status: 'POSTED',
      },
    ]);
    const lines = await tenantDb
      .selectFrom('finance.journal_line as l')
      .innerJoin('finance.account as a', 'a.id', 'l.account_id')
      .select(['a.code', 'l.debit', 'l.credit', 'l.description'])
      .where('l.entry_id', '=', entries[0]!.id)
      .orderBy('l.line_no')
      .execute();
    expect(lines.map((l) => [l.code, l.debit, l.credit])).toEqual([
      ['6000', '4200.00', '0.00'],
      ['6100', '840.00', '0.00'],
      ['2100', '0.00', '2940.00'],
      ['2200', '0.00', '840.00'],
      ['2300', '0.00', '1260.00'],
    ]);
    // Finance announces the entry, so payroll can link its run to it.
    const announced = await sql<{
      payload: unknown;
    }>`SELECT payload FROM finance.outbox WHERE event_type = 'JournalEntryPosted' AND aggregate_id = ${entries[0]!.id}`.execute(tenantDb);
    expect(announced.rows.map((r) => r.payload)).toEqual([
      { entryId: entries[0]!.id, number: entries[0]!.number, date: '2026-01-31', source: { module: 'payroll', reference: payRunId } },
    ]);
    const audit = await tenantDb
      .selectFrom('audit.audit_log')
      .select(['module', 'operation', 'entity_id', 'actor_user_id', 'credential'])
      .where('entity_id', '=', entries[0]!.id)
      .execute();
    // Made on receipt of an event: no person, and the audit says how it came about.
    expect(audit).toEqual([{ module: 'FINANCE', operation: 'postPayRunPosted', entity_id: entries[0]!.id, actor_user_id: null, credential: 'EVENT' }]);
  });

  it('posts a second event for the same reference once, not twice', async () => {
    const payRunId = randomUUID();
    await publish('payroll', 'PayRunPosted', payRunId, { payRunId, posting: payRunPosting(payRunId) });
    await deliver();
    const duplicate = await publish('payroll', 'PayRunPosted', payRunId, { payRunId, posting: payRunPosting(payRunId) });
    const report = await deliver();
    expect(report.dead).toBe(0);
    expect(await entriesFrom('payroll', payRunId)).toHaveLength(1);
    // The duplicate was handled (inboxed) as "already posted", not left to retry.
    const inbox = await tenantDb.selectFrom('finance.inbox').select('event_id').where('event_id', '=', duplicate).execute();
    expect(inbox).toHaveLength(1);
  });

  it('treats a concurrent duplicate as already posted: its unique violation rolls back to a savepoint, numbers stay gap-free', async () => {
    const payRunId = randomUUID();
    const event = (): DeliveredEvent => ({
      id: randomUUID(),
      type: 'PayRunPosted',
      aggregateType: 'PayRun',
      aggregateId: payRunId,
      payload: { posting: payRunPosting(payRunId) },
      source: 'PAYROLL',
      occurredAt: new Date(),
      requestId: null,
    });
    const [dbA, dbB] = [company.openTenantDb<FinanceDB>(), company.openTenantDb<FinanceDB>()];
    try {
      let allowCommit!: () => void;
      const commitAllowed = new Promise<void>((resolve) => (allowCommit = resolve));
      let posted!: () => void;
      const firstPosted = new Promise<void>((resolve) => (posted = resolve));
      // Each delivery as finance's consumer makes it: the posting as finance's own change, in the relay's transaction.
      const deliver = (trx: Parameters<typeof postFromEvent>[0], delivered: DeliveredEvent) =>
        actAs(trx, 'FINANCE', eventActorOf(delivered), 'postPayRunPosted', (t, actor) => postFromEvent(t, delivered, actor));
      const first = dbA.transaction().execute(async (trx) => {
        const outcome = await deliver(trx, event());
        posted();
        await commitAllowed;
        return outcome;
      });
      await firstPosted;
      // The second cannot see the first's uncommitted entry, so it posts too and waits on the year's counter row.
      const second = dbB.transaction().execute(async (trx) => {
        const outcome = await deliver(trx, event());
        await sql`SELECT 1`.execute(trx); // the transaction is still usable after the rollback to the savepoint
        return outcome;
      });
      await untilSomeoneWaitsForALock();
      allowCommit();
      const [a, b] = await Promise.all([first, second]);
      if (!a) throw new Error('the first delivery posted nothing');
      expect(a.alreadyPosted).toBe(false);
      expect(b).toEqual({ entry: a.entry, alreadyPosted: true });
      expect(await entriesFrom('payroll', payRunId)).toHaveLength(1);
      const { rows } = await sql<{ n: number; top: number; last: number }>`
        SELECT count(*)::int AS n, max(seq) AS top, (SELECT last_value FROM finance.entry_number_counter WHERE year = 2026) AS last
        FROM finance.journal_entry WHERE year = 2026`.execute(tenantDb);
      expect(rows[0]!.top).toBe(rows[0]!.n);
      expect(rows[0]!.last).toBe(rows[0]!.n);
    } finally {
      await dbA.destroy();
      await dbB.destroy();
    }
  });

  it('survives a crash after the consumer committed: the clean rerun posts nothing more', async () => {
    const payRunId = randomUUID();
    const eventId = await publish('payroll', 'PayRunPosted', payRunId, { payRunId, posting: payRunPosting(payRunId) });
    let crashed = 0;
    const faulty = await drainTenant(tenantDb, ['ASSETS', 'FINANCE', 'PAYROLL'], loadConsumers(), logger, {
      ...DEFAULT_RELAY_OPTIONS,
      backoffBaseMillis: 60_000,
      faultPoint: (point, event) => {
        if (point === 'after-consumer-commit' && event.id === eventId) {
          crashed += 1;
          throw new Error('worker killed after the consumer committed');
        }
      },
    });
    expect(crashed).toBe(1);
    expect(faulty.failed).toBeGreaterThanOrEqual(1);
    const pending = await sql<{ status: string }>`SELECT status FROM payroll.outbox WHERE id = ${eventId}`.execute(tenantDb);
    expect(pending.rows[0]!.status).toBe('PENDING');
    expect(await entriesFrom('payroll', payRunId)).toHaveLength(1);
    await sql`UPDATE payroll.outbox SET next_attempt_at = now() WHERE id = ${eventId}`.execute(tenantDb); // the backoff has passed
    await deliver();
    const delivered = await sql<{ status: string }>`SELECT status FROM payroll.outbox WHERE id = ${eventId}`.execute(tenantDb);
    expect(delivered.rows[0]!.status).toBe('DELIVERED');
    expect(await entriesFrom('payroll', payRunId)).toHaveLength(1);
  });

  it('books asset events under the assets module', async () => {
    const assetId = randomUUID();
    const reference = `${assetId}:depreciation:2026-02`;
    await publish('assets', 'AssetDepreciated', assetId, {
      assetId,
      period: '2026-02',
      posting: {
        reference,
        date: '2026-02-28',
        memo: 'Depreciation LAP-0001 2026-02',
        lines: [
          { accountCode: '6500', debit: '33.33' },
          { accountCode: '1590', credit: '33.33' },
        ],
      },
    });
    await deliver();
    expect(await entriesFrom('assets', reference)).toEqual([expect.objectContaining({ source_module: 'assets', entry_date: '2026-02-28' })]);
  });

  it('lets a posting that can never be valid fail, retry and dead-letter, posting nothing', async () => {
    const cases = [
      {
        reference: randomUUID(),
        lines: [
          { accountCode: '6000', debit: '10.00' },
          { accountCode: '9999', credit: '10.00' },
        ],
        error: /UNKNOWN_ACCOUNT/,
      },
      {
        reference: randomUUID(),
        lines: [
          { accountCode: '6000', debit: '10.00' },
          { accountCode: '2100', credit: '9.00' },
        ],
        error: /UNBALANCED/,
      },
      {
        reference: randomUUID(),
        lines: [
          { accountCode: '6000', debit: 'ten' },
          { accountCode: '2100', credit: '10.00' },
        ],
        error: /INVALID_AMOUNT/,
      },
      { reference: '', lines: [], error: /no valid posting/ },
    ];
    for (const c of cases)
      await publish('payroll', 'PayRunPosted', c.reference || randomUUID(), {
        posting: { reference: c.reference, date: '2026-03-31', memo: 'bad', lines: c.lines },
      });
    const options = { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 2, backoffBaseMillis: 0 };
    await drainTenant(tenantDb, ['ASSETS', 'FINANCE', 'PAYROLL'], loadConsumers(), logger, options);
    await drainTenant(tenantDb, ['ASSETS', 'FINANCE', 'PAYROLL'], loadConsumers(), logger, options);
    const dead = await sql<{
      last_error: string;
      attempts: number;
    }>`SELECT last_error, attempts FROM payroll.outbox WHERE status = 'DEAD' ORDER BY seq`.execute(tenantDb);
    expect(dead.rows).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      expect(dead.rows[i]!.last_error).toMatch(c.error);
      expect(dead.rows[i]!.attempts).toBe(2);
    });
    for (const c of cases.filter((x) => x.reference)) expect(await entriesFrom('payroll', c.reference)).toEqual([]);
  });

  it('books nothing for `posting: null`, and dead-letters a posting in another currency', async () => {
    const zeroCost = randomUUID();
    const nothing = await publish('assets', 'AssetRegistered', zeroCost, { assetId: zeroCost, posting: null });
    const usd = randomUUID();
    await publish('assets', 'AssetRegistered', usd, {
      assetId: usd,
      posting: {
        reference: `asset:${usd}:acquisition`,
        date: '2026-03-01',
        memo: 'USD asset',
        currency: 'USD',
        lines: [
          { accountCode: '1500', debit: '10.00' },
          { accountCode: '2000', credit: '10.00' },
        ],
      },
    });
    await drainTenant(tenantDb, ['ASSETS', 'FINANCE', 'PAYROLL'], loadConsumers(), logger, { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 });
    const rows = await sql<{
      id: string;
      status: string;
      last_error: string | null;
    }>`SELECT id, status, last_error FROM assets.outbox WHERE aggregate_id IN (${zeroCost}, ${usd})`.execute(tenantDb);
    expect(rows.rows.find((r) => r.id === nothing)).toMatchObject({ status: 'DELIVERED', last_error: null });
    expect(rows.rows.find((r) => r.id !== nothing)).toMatchObject({ status: 'DEAD', last_error: expect.stringMatching(/USD.*EUR/) });
    expect(await entriesFrom('assets', `asset:${usd}:acquisition`)).toEqual([]);
  });

  it('refuses a posting dated in a closed period until it dead-letters', async () => {
    await sql`UPDATE finance.settings SET closed_through = '2026-06-30'`.execute(tenantDb);
    const payRunId = randomUUID();
    await publish('payroll', 'PayRunPosted', payRunId, { payRunId, posting: payRunPosting(payRunId, '2026-06-30') });
    await drainTenant(tenantDb, ['ASSETS', 'FINANCE', 'PAYROLL'], loadConsumers(), logger, { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 });
    const dead = await sql<{ last_error: string }>`SELECT last_error FROM payroll.outbox WHERE aggregate_id = ${payRunId}`.execute(tenantDb);
    expect(dead.rows[0]!.last_error).toMatch(/PERIOD_CLOSED/);
    expect(await entriesFrom('payroll', payRunId)).toEqual([]);
  });
});

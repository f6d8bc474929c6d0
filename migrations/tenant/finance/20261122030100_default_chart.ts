import { sql, type Kysely } from 'kysely';

// The chart every FINANCE tenant starts with: what payroll and assets post to by
// default, plus cash, bank, equity and revenue. Listed in docs/finance.md.
// Written out here (not imported) because a migration is frozen in time.
const DEFAULT_CHART: ReadonlyArray<{ code: string; name: string; type: string; cash?: boolean; bank?: boolean; contra?: boolean }> = [
  { code: '1000', name: 'Cash', type: 'ASSET', cash: true },
  { code: '1100', name: 'Bank', type: 'ASSET', bank: true },
  { code: '1500', name: 'Fixed assets', type: 'ASSET' },
  { code: '1590', name: 'Accumulated depreciation', type: 'ASSET', contra: true },
  { code: '2000', name: 'Accounts payable', type: 'LIABILITY' },
  { code: '2100', name: 'Net pay payable', type: 'LIABILITY' },
  { code: '2200', name: 'Income tax payable', type: 'LIABILITY' },
  { code: '2300', name: 'Social contributions payable', type: 'LIABILITY' },
  { code: '3000', name: 'Equity', type: 'EQUITY' },
  { code: '4000', name: 'Revenue', type: 'INCOME' },
  { code: '4900', name: 'Gain on disposal of assets', type: 'INCOME' },
  { code: '6000', name: 'Salaries and wages', type: 'EXPENSE' },
  { code: '6100', name: 'Employer contributions', type: 'EXPENSE' },
  { code: '6500', name: 'Depreciation', type: 'EXPENSE' },
  { code: '6900', name: 'Loss on disposal of assets', type: 'EXPENSE' },
];

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto('finance.account')
    .values(
      DEFAULT_CHART.map((a) => ({
        code: a.code,
        name: a.name,
        type: a.type,
        is_cash: a.cash ?? false,
        is_bank: a.bank ?? false,
        is_contra: a.contra ?? false,
      })),
    )
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  // Accumulated depreciation is shown under fixed assets.
  await sql`UPDATE finance.account SET parent_id = (SELECT id FROM finance.account WHERE code = '1500') WHERE code = '1590' AND parent_id IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db
    .deleteFrom('finance.account')
    .where(
      'code',
      'in',
      DEFAULT_CHART.map((a) => a.code),
    )
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('finance.journal_line').select('entry_id').whereRef('finance.journal_line.account_id', '=', 'finance.account.id'))),
    )
    .execute();
}

import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { accumulatedDepreciationAsOf, carryingAmountAsOf, type DepreciationTerms } from '../../subgraphs/assets/domain/depreciation';
import { registerTotals } from '../../subgraphs/assets/domain/overview';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import { decliningBalanceGroups, registerCounts, registerTally, straightLineTotals } from '../../subgraphs/assets/store/overview';
import { D } from '../../subgraphs/kit/money';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The register totals of the overview are summed by SQL (straight line) and
// by integer arithmetic over grouped rows (declining balance). Both must give
// exactly what the assets module's own decimal.js schedule gives, asset by
// asset, for any register and any day: month ends, year starts, disposals.

let database: TestDatabase;
let db: Kysely<AssetsDB>;

beforeAll(async () => {
  database = await createTestDatabase();
  const company = await createCompany(database, { name: 'Register Totals', modules: ['ASSETS'] });
  db = company.openTenantDb<AssetsDB>();
  await sql`INSERT INTO assets.category (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Things')`.execute(db);
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

interface SeededAsset {
  terms: DepreciationTerms;
  disposedOn: string | null;
}

const day = (offset: number) => new Date(Date.UTC(2023, 0, 1 + offset)).toISOString().slice(0, 10);
const amount = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

const assetArbitrary = fc
  .record({
    acquired: fc.integer({ min: 0, max: 4 * 365 }),
    costCents: fc.integer({ min: 0, max: 5_000_000 }),
    salvageShare: fc.double({ min: 0, max: 1, noNaN: true }),
    life: fc.integer({ min: 1, max: 72 }),
    method: fc.constantFrom('STRAIGHT_LINE' as const, 'DECLINING_BALANCE' as const),
    disposedAfter: fc.option(fc.integer({ min: 0, max: 3 * 365 }), { nil: null }),
  })
  .map(({ acquired, costCents, salvageShare, life, method, disposedAfter }): SeededAsset => ({
    terms: { acquisitionDate: day(acquired), cost: amount(costCents), salvage: amount(Math.floor(costCents * salvageShare)), usefulLifeMonths: life, method },
    disposedOn: disposedAfter === null ? null : day(acquired + disposedAfter),
  }));

async function replaceRegister(register: readonly SeededAsset[]): Promise<void> {
  await sql`DELETE FROM assets.asset`.execute(db);
  if (register.length === 0) return;
  await db
    .insertInto('assets.asset')
    .values(
      register.map((a, i) => ({
        tag: `T-${i}`,
        name: `Asset ${i}`,
        category_id: '00000000-0000-0000-0000-000000000001',
        status: a.disposedOn ? ('DISPOSED' as const) : ('IN_STOCK' as const),
        currency: 'EUR',
        acquisition_date: a.terms.acquisitionDate,
        acquisition_cost: a.terms.cost,
        salvage_value: a.terms.salvage,
        useful_life_months: a.terms.usefulLifeMonths,
        depreciation_method: a.terms.method,
        disposed_on: a.disposedOn,
        disposal_proceeds: a.disposedOn ? '0.00' : null,
        book_value_at_disposal: a.disposedOn ? '0.00' : null,
      })),
    )
    .execute();
}

/** The reference: each asset through domain/depreciation.ts. */
function expected(register: readonly SeededAsset[], today: string): { bookValue: string; depreciation: string } {
  const lastYearEnd = `${Number(today.slice(0, 4)) - 1}-12-31`;
  let bookValue = new D(0);
  let depreciation = new D(0);
  for (const { terms, disposedOn } of register) {
    if (disposedOn !== null && disposedOn <= lastYearEnd) continue;
    if (disposedOn === null || disposedOn > today) bookValue = bookValue.plus(disposedOn === null ? carryingAmountAsOf(terms, null, today) : '0');
    const upTo = disposedOn !== null && disposedOn < today ? disposedOn : today;
    depreciation = depreciation.plus(accumulatedDepreciationAsOf(terms, upTo)).minus(accumulatedDepreciationAsOf(terms, lastYearEnd));
  }
  return { bookValue: bookValue.toFixed(2), depreciation: depreciation.toFixed(2) };
}

async function computed(today: string): Promise<{ bookValue: string; depreciation: string }> {
  const yearStart = `${today.slice(0, 4)}-01-01`;
  const totals = registerTotals(await straightLineTotals(db, yearStart, today), await decliningBalanceGroups(db, yearStart, today));
  return { bookValue: (totals.bookValue.get('EUR') ?? new D(0)).toFixed(2), depreciation: (totals.depreciationYearToDate.get('EUR') ?? new D(0)).toFixed(2) };
}

describe('register totals', () => {
  it.each(['2026-08-15', '2026-07-31', '2026-01-01', '2026-12-31', '2024-02-29'])('equal the sum of every asset’s own schedule on %s', async (today) => {
    await fc.assert(
      fc.asyncProperty(fc.array(assetArbitrary, { minLength: 0, maxLength: 40 }), async (register) => {
        // Disposals in the future of `today` have not happened yet as far as this register is concerned.
        const known = register
          .map((a) => (a.disposedOn !== null && a.disposedOn > today ? { ...a, disposedOn: null } : a))
          .filter((a) => a.terms.acquisitionDate <= today);
        await replaceRegister(known);
        expect(await computed(today)).toEqual(expected(known, today));
      }),
      { numRuns: 25 },
    );
  });

  it('counts statuses from the tally, and the assets in maintenance that still have a holder', async () => {
    await replaceRegister([]);
    await sql`DELETE FROM assets.assignment`.execute(db);
    const register: SeededAsset[] = Array.from({ length: 4 }, (_, i) => ({
      terms: { acquisitionDate: '2026-01-10', cost: '100.00', salvage: '0.00', usefulLifeMonths: 12, method: 'STRAIGHT_LINE' },
      disposedOn: i === 3 ? '2026-02-01' : null,
    }));
    await replaceRegister(register);
    await sql`INSERT INTO assets.employee_projection (employee_id, status, updated_at) VALUES ('e-1', 'ACTIVE', now()) ON CONFLICT DO NOTHING`.execute(db);
    await sql`UPDATE assets.asset SET status = 'ASSIGNED' WHERE tag = 'T-0'`.execute(db);
    await sql`UPDATE assets.asset SET status = 'IN_MAINTENANCE' WHERE tag IN ('T-1', 'T-2')`.execute(db);
    // T-0 is held; T-1 is held while in maintenance; T-2 was held, returned, and is in maintenance.
    await sql`
      INSERT INTO assets.assignment (asset_id, employee_id, assigned_on, returned_on)
      SELECT id, 'e-1', '2026-01-12', CASE WHEN tag = 'T-2' THEN date '2026-01-20' END FROM assets.asset WHERE tag IN ('T-0', 'T-1', 'T-2')`.execute(db);
    expect(await registerTally(db)).toEqual({ registered: 4, disposed: 1, inMaintenance: 2, assigned: 1 });
    expect(await registerCounts(db)).toEqual({ registered: 4, disposed: 1, inMaintenance: 2, assigned: 1, held: 2 });
  });
});

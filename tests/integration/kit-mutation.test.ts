import { Kysely, PostgresDialect, sql } from 'kysely';
import { createPool } from '../../platform/db';
import type { BaseContext } from '../../subgraphs/kit/context';
import type { ModuleContext } from '../../subgraphs/kit/module-context';
import { runModuleMutation } from '../../subgraphs/kit/mutation';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { footprint } from '../support/tenant-db';

// runModuleMutation on a real tenant database: a computed number that overflows
// its column is a coded userError and a rolled-back transaction, never an internal error.

let database: TestDatabase;
let db: Kysely<Record<string, never>>;

beforeAll(async () => {
  database = await createTestDatabase();
  const company = await createCompany(database, { name: 'Kit Mutation Co', modules: ['PAYROLL'] });
  db = new Kysely({ dialect: new PostgresDialect({ pool: createPool(company.tenantUrl, { max: 2 }) }) });
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

function contextOf(): ModuleContext<Record<string, never>, null> {
  const base = { requestId: 'req-overflow', caller: { kind: 'KEY', keyId: null } } as unknown as BaseContext;
  return { ...base, module: 'PAYROLL', tenant: () => ({}) as never, db: () => db, granted: true, loaders: null };
}

describe('runModuleMutation', () => {
  it('turns a numeric overflow into AMOUNT_TOO_LARGE and rolls back what came before it', async () => {
    const before = await footprint(db as never, ['payroll.settings']);
    const payload = await runModuleMutation(contextOf(), 'overflow', async (trx) => {
      await sql`UPDATE payroll.settings SET income_tax_rate = 0.5`.execute(trx);
      await sql`SELECT 10000000000000::numeric(14, 2)`.execute(trx);
      return { done: true };
    });
    expect(payload).toEqual({
      userErrors: [{ field: null, message: 'A computed amount is larger than can be stored; nothing was changed', code: 'AMOUNT_TOO_LARGE' }],
    });
    expect(await footprint(db as never, ['payroll.settings'])).toEqual(before);
  });

  it('lets other faults through as faults', async () => {
    await expect(runModuleMutation(contextOf(), 'broken', async (trx) => sql`SELECT 1 / 0`.execute(trx))).rejects.toMatchObject({ code: '22012' });
  });
});

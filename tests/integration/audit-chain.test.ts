import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { moduleRole, rolePrefixOf } from '../../platform/db-roles';
import { createLogger } from '../../platform/logger';
import { ServiceRuntime } from '../../platform/runtime';
import type { AccessDeps } from '../../subgraphs/access/deps';
import { purgeTenantAudit, verifyChain, verifyTenantChain } from '../../subgraphs/access/services/audit-chain';
import { PLATFORM_CHAIN, TENANT_CHAIN } from '../../subgraphs/access/store/audit-chain';
import { writeGlobalAudit } from '../../subgraphs/access/store/audit';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { writeTenantAudit, type TenantAuditDB } from '../../subgraphs/kit/audit';
import { UserErrorsException } from '../../subgraphs/kit/errors';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The audit trails as hash chains: computed by the database on insert, one
// order even under concurrent writers, verified row by row, and purged only
// past the retention, from an anchor the verification then starts at.

let database: TestDatabase;
let runtime: ServiceRuntime;
let deps: AccessDeps;
let company: Company;
/** The company's tenant database, typed as the audit sees it. */
let tenantAudit: Kysely<TenantAuditDB>;
const actor = { kind: 'KEY', id: 'k-chain', requestId: 'req-chain' };

const write = (db: Kysely<TenantAuditDB>, entityId: string) =>
  writeTenantAudit(db, 'EMPLOYEES', actor, [{ operation: 'hireEmployee', entity: 'employee', entityId, after: { name: entityId } }]);

const ids = async (db: Kysely<TenantAuditDB> | Transaction<TenantAuditDB>) =>
  (await db.selectFrom('audit.audit_log').select('id').orderBy('id').execute()).map((r) => r.id);

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  deps = accessDeps(runtime);
  company = await createCompany(database, { name: 'Chained Audit', modules: ['EMPLOYEES'] });
  tenantAudit = company.openTenantDb<TenantAuditDB>();
});

afterAll(async () => {
  await tenantAudit?.destroy();
  await company?.tenantDb.destroy();
  await runtime?.close();
  await database?.drop();
});

/** Runs `work` in a transaction that is always rolled back: tampering that leaves nothing behind. */
async function rolledBack<T>(db: Kysely<TenantAuditDB>, work: (trx: Transaction<TenantAuditDB>) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      result = await work(trx);
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return result as T;
}
class RolledBack extends Error {}

it('chains each tenant row to the one before it, in id order, even when two connections write at once', async () => {
  const auditDb = company.openTenantDb<TenantAuditDB>();
  const other = company.openTenantDb<TenantAuditDB>();
  try {
    await write(auditDb, 'first');
    // The first writer holds the chain head; the second draws its id from the column default and waits;
    // the first then writes another row (a higher default id) and commits.
    let second: Promise<void> | undefined;
    await auditDb.transaction().execute(async (trx) => {
      await write(trx, 'a');
      second = write(other, 'b');
      await waitForLockWaiter(auditDb);
      await write(trx, 'c');
    });
    await second;
    await Promise.all([...Array(10).keys()].map((i) => write(i % 2 === 0 ? auditDb : other, `burst-${i}`)));

    const rows = await auditDb.selectFrom('audit.audit_log').select(['id', 'entity_id', 'prev_hash', 'hash']).orderBy('id').execute();
    expect(rows.slice(0, 4).map((r) => r.entity_id)).toEqual(['first', 'a', 'c', 'b']);
    rows.forEach((row, i) => {
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.prev_hash).toBe(i === 0 ? null : rows[i - 1]!.hash);
    });
    expect(await verifyChain(auditDb, TENANT_CHAIN, { batchSize: 4 })).toEqual({ rows: 14, anchoredAfter: null, broken: null });
  } finally {
    await auditDb.destroy();
    await other.destroy();
  }
});

async function waitForLockWaiter(db: Kysely<TenantAuditDB>): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
    if (rows[0]!.n > 0) return;
  }
}

it('finds a row altered behind the trigger at that row', async () => {
  const [, target] = await ids(tenantAudit);
  const report = await rolledBack(tenantAudit, async (trx) => {
    await sql`ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only`.execute(trx);
    await sql`UPDATE audit.audit_log SET after = '{"name":"forged"}' WHERE id = ${target}`.execute(trx);
    return verifyChain(trx, TENANT_CHAIN, { batchSize: 3 });
  });
  expect(report.broken).toMatchObject({ id: target, reason: 'ALTERED' });
  expect(report.rows).toBe(1);
});

it('finds a removed row at the row after it, and rows cut from the end', async () => {
  const all = await ids(tenantAudit);
  const middle = await rolledBack(tenantAudit, async (trx) => {
    await sql`ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only`.execute(trx);
    await sql`DELETE FROM audit.audit_log WHERE id = ${all[5]}`.execute(trx);
    return verifyChain(trx, TENANT_CHAIN, { batchSize: 100 });
  });
  expect(middle.broken).toMatchObject({ id: all[6], reason: 'GAP' });

  const tail = await rolledBack(tenantAudit, async (trx) => {
    await sql`ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only`.execute(trx);
    await sql`DELETE FROM audit.audit_log WHERE id = ${all[all.length - 1]}`.execute(trx);
    return verifyChain(trx, TENANT_CHAIN, { batchSize: 100 });
  });
  expect(tail.broken).toMatchObject({ id: null, reason: 'TRUNCATED' });
  expect((await verifyTenantChain(deps, company.companyId, { batchSize: 100 })).broken).toBeNull();
});

it('finds two rows swapped in place', async () => {
  const [, a, b] = await ids(tenantAudit);
  const report = await rolledBack(tenantAudit, async (trx) => {
    await sql`ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only`.execute(trx);
    await sql`UPDATE audit.audit_log SET id = -id WHERE id IN (${a}, ${b})`.execute(trx);
    await sql`UPDATE audit.audit_log SET id = CASE id WHEN -${a}::bigint THEN ${b}::bigint ELSE ${a}::bigint END WHERE id IN (-${a}::bigint, -${b}::bigint)`.execute(
      trx,
    );
    return verifyChain(trx, TENANT_CHAIN, { batchSize: 100 });
  });
  expect(report.broken).toMatchObject({ id: a, reason: 'GAP' });
});

it('refuses a delete, or a forged purge anchor, to anyone but the table owner, even with the purge setting set', async () => {
  const role = moduleRole(rolePrefixOf(database.config)!, 'EMPLOYEES');
  const asModule = (statement: RawBuilder<unknown>) =>
    rolledBack(tenantAudit, async (trx) => {
      // The table privileges are the first wall; the trigger is the one under test here.
      await sql`GRANT DELETE, INSERT ON audit.audit_log, audit.audit_purge_anchor TO ${sql.id(role)}`.execute(trx);
      await sql`SET LOCAL ROLE ${sql.id(role)}`.execute(trx);
      await sql`SELECT set_config('fluxo.audit_purge', 'on', true)`.execute(trx);
      await statement.execute(trx);
    });
  await expect(asModule(sql`DELETE FROM audit.audit_log`)).rejects.toThrow(/audit\.audit_log is append-only: DELETE refused/);
  await expect(
    asModule(sql`INSERT INTO audit.audit_purge_anchor (cutoff, first_id, last_id, first_at, last_at, row_count, last_hash)
                 VALUES (now(), 1, 5, now(), now(), 5, 'forged')`),
  ).rejects.toThrow(/audit\.audit_purge_anchor is append-only: INSERT refused/);
});

it('purges only past the retention, audited, and verification starts from the anchor', async () => {
  const now = new Date('2026-12-01T00:00:00Z');
  // Rows from long ago, written with their time as a restore would bring them.
  await sql`INSERT INTO audit.audit_log (module, operation, entity, entity_id, at)
            SELECT 'EMPLOYEES', 'hireEmployee', 'employee', 'old-' || n, timestamptz '2015-01-01' + n * interval '1 day' FROM generate_series(1, 3) n`.execute(
    tenantAudit,
  );
  await write(tenantAudit, 'recent');

  const refused = purgeTenantAudit(deps, { companyId: company.companyId, before: new Date('2023-01-01T00:00:00Z') }, actor, now);
  await expect(refused).rejects.toBeInstanceOf(UserErrorsException);
  await expect(refused).rejects.toMatchObject({ userErrors: [{ code: 'WITHIN_RETENTION' }] });

  const before = await ids(tenantAudit);
  const anchor = await purgeTenantAudit(deps, { companyId: company.companyId, before: new Date('2020-01-01T00:00:00Z') }, actor, now);
  // A purge deletes only a prefix of the chain: this company's first rows are recent, so the old rows after them stay.
  expect(anchor).toBeNull();

  // A fresh company whose oldest rows are old: the purge deletes exactly them.
  const old = await createCompany(database, { name: 'Old Audit', modules: ['EMPLOYEES'] });
  const oldAudit = old.openTenantDb<TenantAuditDB>();
  try {
    await sql`INSERT INTO audit.audit_log (module, operation, entity, entity_id, at)
              SELECT 'EMPLOYEES', 'hireEmployee', 'employee', 'old-' || n, timestamptz '2015-01-01' + n * interval '1 day' FROM generate_series(1, 3) n`.execute(
      oldAudit,
    );
    await write(oldAudit, 'recent');
    const kept = await oldAudit.selectFrom('audit.audit_log').select(['id', 'entity_id']).where('at', '>=', new Date('2016-01-01')).execute();
    const purged = await purgeTenantAudit(deps, { companyId: old.companyId, before: new Date('2016-01-01T00:00:00Z') }, actor, now);
    expect(purged).toMatchObject({ row_count: '3', first_at: new Date('2015-01-02T00:00:00Z'), last_at: new Date('2015-01-04T00:00:00Z') });
    expect(await oldAudit.selectFrom('audit.audit_log').select(['id', 'entity_id']).execute()).toEqual(kept);
    expect(await verifyTenantChain(deps, old.companyId, { batchSize: 2 })).toMatchObject({ anchoredAfter: purged!.last_id, broken: null });

    const recorded = await database.db.selectFrom('audit_log').select(['entity_id', 'after']).where('operation', '=', 'purgeAuditLog').execute();
    expect(recorded).toEqual([
      { entity_id: old.companyId, after: expect.objectContaining({ rows: 3, lastId: purged!.last_id, lastHash: purged!.last_hash, retentionYears: 5 }) },
    ]);
  } finally {
    await oldAudit.destroy();
    await old.tenantDb.destroy();
  }
  expect(await ids(tenantAudit)).toEqual(before);
});

it('chains the control plane log as well', async () => {
  await database.db.transaction().execute((trx) => writeGlobalAudit(trx, actor, [{ operation: 'x', entity: 'company', entityId: 'c1' }]));
  const report = await verifyChain(database.db, PLATFORM_CHAIN, { batchSize: 2 });
  expect(report.broken).toBeNull();
  expect(report.rows).toBeGreaterThan(1);
});

it('does not trust a purge anchor the control plane never recorded', async () => {
  // Someone holding the tenant database cuts the oldest rows and leaves a matching anchor behind.
  const [, second] = await tenantAudit.selectFrom('audit.audit_log').select(['id', 'hash']).orderBy('id').limit(2).execute();
  await sql`ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only`.execute(tenantAudit);
  await sql`ALTER TABLE audit.audit_purge_anchor DISABLE TRIGGER audit_purge_anchor_guard`.execute(tenantAudit);
  await sql`DELETE FROM audit.audit_log WHERE id <= ${second!.id}`.execute(tenantAudit);
  await sql`INSERT INTO audit.audit_purge_anchor (cutoff, first_id, last_id, first_at, last_at, row_count, last_hash)
            VALUES (now(), 1, ${second!.id}, now(), now(), 2, ${second!.hash})`.execute(tenantAudit);

  expect((await verifyChain(tenantAudit, TENANT_CHAIN, { batchSize: 100 })).broken).toBeNull();
  expect((await verifyTenantChain(deps, company.companyId, { batchSize: 100 })).broken).toMatchObject({ id: second!.id, reason: 'UNRECORDED_ANCHOR' });
});

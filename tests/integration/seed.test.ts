import { execFile } from 'node:child_process';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { ShardDirectory } from '../../platform/shards';
import { seedTenant, type SeedReport } from '../../app/seed/seed-tenant';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';

const AS_OF = '2026-06-15';

let database: TestDatabase;
let company: Company;
let slug: string;
let tenantDb: Kysely<TenantDB>;
let report: SeedReport;

const seed = (slug: string, counts: { employees: number; assets: number }, extra: { append?: boolean; seed?: number } = {}) =>
  seedTenant({
    controlPlane: database.db,
    shards: new ShardDirectory(database.config.shards),
    slug,
    asOf: AS_OF,
    seed: extra.seed ?? 7,
    append: extra.append,
    ...counts,
  });

async function rows<T>(db: Kysely<TenantDB>, query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

/** Rows of `from` (a table, or tables joined, written by this file) matching `where`. */
async function countOf(db: Kysely<TenantDB>, from: string, where = sql`true`): Promise<number> {
  const [row] = await rows<{ n: string }>(db, sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(from)} WHERE ${where}`);
  return Number(row!.n);
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Seed Works', modules: ['EMPLOYEES', 'ASSETS'] });
  slug = company.slug;
  tenantDb = company.openTenantDb();
  const phases = new Set<string>();
  report = await seedTenant({
    controlPlane: database.db,
    shards: new ShardDirectory(database.config.shards),
    slug,
    employees: 40,
    assets: 80,
    seed: 7,
    asOf: AS_OF,
    batchSize: 15,
    onProgress: (p) => phases.add(`${p.phase}:${p.done === p.total ? 'done' : 'running'}`),
  });
  expect([...phases].filter((p) => p.endsWith(':done')).sort()).toEqual(['assets:done', 'employees:done', 'events:done', 'organisation:done']);
});

afterAll(async () => {
  await tenantDb?.destroy();
  await database?.drop();
});

describe('seeding a tenant through the modules', () => {
  it('hires the asked number of people into a department tree with positions and roles', async () => {
    const db = tenantDb;
    expect(report.employees).toMatchObject({ hired: 40 });
    expect(await countOf(db, 'employees.employee')).toBe(40);
    expect(report.organisation).toEqual({ departmentsCreated: 10, positionsCreated: 32, rolesCreated: 4 });
    expect(await countOf(db, 'employees.department')).toBe(10);
    expect(await countOf(db, 'employees.department', sql`parent_id IS NULL`)).toBe(1);
    expect(await countOf(db, 'employees.employee_role')).toBe(report.employees!.rolesGranted);
    // Some of everything a real directory has.
    expect(await countOf(db, 'employees.employee', sql`status = 'TERMINATED'`)).toBe(report.employees!.terminated);
    expect(await countOf(db, 'employees.employee', sql`status = 'ON_LEAVE'`)).toBe(report.employees!.onLeave);
    expect(report.employees!.terminated + report.employees!.onLeave).toBeGreaterThan(0);
    expect(await countOf(db, 'employees.contract')).toBe(report.employees!.contracts);
    expect(await countOf(db, 'employees.contract', sql`type = 'FIXED_TERM'`)).toBeGreaterThan(0);
    expect(await countOf(db, 'employees.position_assignment')).toBe(40 + report.employees!.promoted);
  });

  it('numbers employees without gaps, in hiring order', async () => {
    const numbers = await rows<{ employee_number: string }>(tenantDb, sql`SELECT employee_number FROM employees.employee ORDER BY employee_number`);
    expect(numbers.map((r) => r.employee_number)).toEqual(Array.from({ length: 40 }, (_, i) => `EMP-${String(i + 1).padStart(6, '0')}`));
  });

  it('builds one reporting tree: a single CEO without a manager, everyone else reaching them without a cycle', async () => {
    const people = await rows<{ id: string; manager_id: string | null; title: string }>(
      tenantDb,
      sql`SELECT e.id, e.manager_id, p.title FROM employees.employee e JOIN employees.position p ON p.id = e.position_id`,
    );
    const roots = people.filter((p) => p.manager_id === null);
    expect(roots.map((r) => r.title)).toEqual(['Chief Executive Officer']);
    const managerOf = new Map(people.map((p) => [p.id, p.manager_id]));
    for (const person of people) {
      const seen = new Set<string>();
      let at: string | null = person.id;
      while (at !== null) {
        expect(seen.has(at)).toBe(false);
        seen.add(at);
        at = managerOf.get(at) ?? null;
      }
      expect(seen.has(roots[0]!.id)).toBe(true);
    }
    // Heads report up the department tree, staff to a head.
    const heads = people.filter((p) => p.title.startsWith('Head of'));
    expect(heads).toHaveLength(9);
    const headIds = new Set([roots[0]!.id, ...heads.map((h) => h.id)]);
    expect(people.filter((p) => p.manager_id !== null && !headIds.has(p.manager_id))).toEqual([]);
  });

  it('never gives an employee two contracts on the same day, and ends the contract of whoever left', async () => {
    const db = tenantDb;
    expect(
      await countOf(
        db,
        'employees.contract a JOIN employees.contract b ON a.employee_id = b.employee_id AND a.id < b.id',
        sql`daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')`,
      ),
    ).toBe(0);
    expect(
      await countOf(db, 'employees.employee e', sql`NOT EXISTS (SELECT 1 FROM employees.contract c WHERE c.employee_id = e.id AND c.start_date = e.hire_date)`),
    ).toBe(0);
    expect(
      await countOf(
        db,
        'employees.employee e JOIN employees.contract c ON c.employee_id = e.id',
        sql`e.status = 'TERMINATED' AND (c.end_date IS NULL OR c.end_date > e.termination_date)`,
      ),
    ).toBe(0);
  });

  it('registers the assets, about 70% in the hands of active employees, some in maintenance, a few disposed', async () => {
    const db = tenantDb;
    expect(report.assets).toMatchObject({ registered: 80 });
    expect(await countOf(db, 'assets.asset')).toBe(80);
    const byStatus = Object.fromEntries(
      (await rows<{ status: string; n: string }>(db, sql`SELECT status, count(*) AS n FROM assets.asset GROUP BY status`)).map((r) => [r.status, Number(r.n)]),
    );
    expect(byStatus.DISPOSED).toBe(report.assets!.disposed);
    expect(byStatus.IN_MAINTENANCE).toBe(report.assets!.maintenanceScheduled - report.assets!.maintenanceCompleted);
    expect(report.assets!.maintenanceCompleted).toBeGreaterThan(0);
    const held = await countOf(db, 'assets.assignment', sql`returned_on IS NULL`);
    expect(held).toBe(report.assets!.assignments - report.assets!.returns);
    expect(held / 80).toBeGreaterThan(0.55);
    expect(held / 80).toBeLessThan(0.85);
    expect(await countOf(db, 'assets.maintenance', sql`status = 'COMPLETED' AND cost > 0`)).toBe(report.assets!.maintenanceCompleted);
    expect(new Set((await rows<{ tag: string }>(db, sql`SELECT tag FROM assets.asset`)).map((r) => r.tag.slice(0, 4))).size).toBeGreaterThan(3);
  });

  it('hands assets only to employees who are ACTIVE, in the employees module and in the assets projection', async () => {
    const holders = await rows<{ projected: string; status: string }>(
      tenantDb,
      sql`SELECT p.status AS projected, e.status FROM assets.assignment a
          JOIN assets.employee_projection p ON p.employee_id = a.employee_id
          JOIN employees.employee e ON e.id::text = a.employee_id
          WHERE a.returned_on IS NULL`,
    );
    expect(holders.length).toBe(report.assets!.assignments - report.assets!.returns);
    expect(holders.filter((h) => h.projected !== 'ACTIVE' || h.status !== 'ACTIVE')).toEqual([]);
  });

  it('writes audit rows and outbox events through the domain code, and delivers the events', async () => {
    const db = tenantDb;
    const audit = Object.fromEntries(
      (
        await rows<{ op: string; n: string }>(
          db,
          sql`SELECT module || ':' || operation AS op, count(*) AS n FROM audit.audit_log WHERE request_id LIKE 'seed-%' GROUP BY 1`,
        )
      ).map((r) => [r.op, Number(r.n)]),
    );
    expect(audit).toMatchObject({
      'EMPLOYEES:hireEmployee': 40,
      'EMPLOYEES:signContract': report.employees!.contracts,
      'EMPLOYEES:createDepartment': 10,
      'ASSETS:registerAsset': 80,
      'ASSETS:assignAsset': report.assets!.assignments,
      'ASSETS:disposeAsset': report.assets!.disposed,
    });
    expect(await countOf(db, 'audit.audit_log', sql`key_id IS NOT NULL`)).toBe(0);
    // The seeder is the operator's tooling, not a person: every row says so.
    expect(await countOf(db, 'audit.audit_log', sql`actor_user_id IS NOT NULL OR credential IS DISTINCT FROM 'CLI'`)).toBe(0);

    const events = Object.fromEntries(
      (
        await rows<{ type: string; n: string }>(
          db,
          sql`SELECT event_type AS type, count(*) AS n FROM (SELECT event_type FROM employees.outbox UNION ALL SELECT event_type FROM assets.outbox) o GROUP BY 1`,
        )
      ).map((r) => [r.type, Number(r.n)]),
    );
    expect(events).toMatchObject({
      EmployeeHired: 40,
      ContractSigned: report.employees!.contracts,
      EmployeeTerminated: report.employees!.terminated,
      AssetRegistered: 80,
      AssetAssigned: report.assets!.assignments,
      AssetDisposed: report.assets!.disposed,
    });
    expect(await countOf(db, 'employees.outbox', sql`status <> 'DELIVERED'`)).toBe(0);
    expect(await countOf(db, 'assets.outbox', sql`status <> 'DELIVERED'`)).toBe(0);
    expect(report.events).toMatchObject({ failed: 0, dead: 0 });
    // The projection learnt everyone's status from those events.
    expect(await countOf(db, 'assets.employee_projection p JOIN employees.employee e ON e.id::text = p.employee_id', sql`p.status = e.status`)).toBe(40);
  });

  it('refuses to seed again without append, writing nothing', async () => {
    await expect(seed(slug, { employees: 5, assets: 5 })).rejects.toMatchObject({
      reason: 'TENANT_HAS_DATA',
      message: `${slug} already has 40 employees and 80 assets; seeding again would mix two sample data sets. Use --append to add to them.`,
    });
    expect(await countOf(tenantDb, 'employees.employee')).toBe(40);
    expect(await countOf(tenantDb, 'assets.asset')).toBe(80);
  });

  it('appends to the same organisation when asked: numbers go on, the tree keeps one root', async () => {
    const appended = await seed(slug, { employees: 6, assets: 10 }, { append: true, seed: 8 });
    const db = tenantDb;
    expect(appended.organisation).toEqual({ departmentsCreated: 0, positionsCreated: 0, rolesCreated: 0 });
    expect(appended.employees).toMatchObject({ hired: 6 });
    const numbers = await rows<{ employee_number: string }>(db, sql`SELECT employee_number FROM employees.employee ORDER BY employee_number`);
    expect(numbers.map((r) => r.employee_number).at(-1)).toBe('EMP-000046');
    expect(await countOf(db, 'employees.employee', sql`manager_id IS NULL`)).toBe(1);
    expect(await countOf(db, 'assets.asset')).toBe(90);
    expect(await countOf(db, 'employees.department')).toBe(10);
  });

  it('seeds only the modules the company subscribes to', async () => {
    const peopleOnly = await createCompany(database, { name: 'People Only', modules: ['EMPLOYEES'] });
    const peopleDb = peopleOnly.openTenantDb();
    try {
      const result = await seed(peopleOnly.slug, { employees: 12, assets: 30 });
      expect(result.skipped).toEqual([{ module: 'ASSETS', requested: 30 }]);
      expect(result.assets).toBeNull();
      expect(await countOf(peopleDb, 'employees.employee')).toBe(12);
      const schemas = await rows<{ n: string }>(peopleDb, sql`SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = 'assets'`);
      expect(Number(schemas[0]!.n)).toBe(0);
    } finally {
      await peopleDb.destroy();
    }
  });

  it('runs as `fluxo tenant seed`, and refuses a second run without --append', async () => {
    const target = await createCompany(database, { name: 'Cli Seeded', modules: ['EMPLOYEES', 'ASSETS'] });
    const run = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'node',
          ['--import', 'tsx', 'cli/main.ts', 'tenant', 'seed', '--company', target.slug, '--employees', '12', '--assets', '20', '--seed', '3'],
          {
            cwd: path.resolve(__dirname, '..', '..'),
            env: {
              ...process.env,
              DATABASE_URL: database.url,
              FLUXO_TENANT_DB_PREFIX: database.config.tenantDatabasePrefix,
              FLUXO_SHARDS: '',
              LOG_LEVEL: 'silent',
            },
          },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
        );
      });
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/12 hired/);
    expect(first.stderr).toMatch(/seed: hiring 12\/12/);
    const again = await run();
    expect(again.code).toBe(1);
    expect(`${again.stdout}${again.stderr}`).toMatch(/already has/);
  });

  it('refuses an unknown company', async () => {
    await expect(seed('no-such-company', { employees: 1, assets: 0 })).rejects.toMatchObject({
      reason: 'UNKNOWN_COMPANY',
      message: expect.stringContaining('no-such-company'),
    });
  });
});

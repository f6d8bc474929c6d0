/**
 * Bulk data for the listing bench: 100k employees and 200k assets written with
 * INSERT … SELECT over generate_series into each module's own tables (and the
 * assets module's employee projection, as if the employees' events had been
 * delivered). Deterministic: names, departments, statuses and holders come
 * from hashint4 of the row number, never from random().
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ASSET_CATEGORIES } from '../app/seed/asset-catalogue';
import { DEPARTMENTS, FIRST_NAMES, HEAD_ORDER, LAST_NAMES } from '../app/seed/organisation';
import type { AssetsDB } from '../subgraphs/assets/store/db';
import type { EmployeesDB } from '../subgraphs/employees/store/db';

/** The data's "today". */
export const AS_OF = '2026-06-01';

const textArray = (items: readonly string[]): RawBuilder<string[]> => sql<string[]>`ARRAY[${sql.join(items.map((i) => sql`${i}::text`))}]`;
const values = (rows: RawBuilder<unknown>[]) => sql.join(rows);

/** The hash of row i under a salt, as a non-negative int: independent draws per salt. */
const draw = (salt: number) => sql.raw(`(hashint4(i * 7 + ${salt}) & 2147483647)`);

/**
 * Departments and positions from the seed's organisation. Employees 1–10 are
 * the heads, in HEAD_ORDER (1 is the CEO); staff are spread by department weight.
 */
async function seedOrganisation(db: Kysely<EmployeesDB>): Promise<void> {
  await db
    .insertInto('employees.department')
    .values(
      DEPARTMENTS.map((d) => ({
        id: sql`md5(${`dept:${d.name}`})::uuid`,
        name: d.name,
        parent_id: d.parent === null ? null : sql`md5(${`dept:${d.parent}`})::uuid`,
      })),
    )
    .execute();
  await db
    .insertInto('employees.position')
    .values(
      DEPARTMENTS.flatMap((d) =>
        [d.head, ...d.staff].map((p) => ({
          id: sql`md5(${`pos:${d.name}/${p.title}`})::uuid`,
          title: p.title,
          department_id: sql`md5(${`dept:${d.name}`})::uuid`,
        })),
      ),
    )
    .execute();
}

async function seedEmployees(db: Kysely<unknown>, count: number): Promise<void> {
  const totalWeight = DEPARTMENTS.reduce((sum, d) => sum + d.weight, 0);
  let lo = 0;
  const departments = DEPARTMENTS.map((d) => {
    const head = HEAD_ORDER.indexOf(d.name) + 1;
    const parentHead = d.parent === null ? null : HEAD_ORDER.indexOf(d.parent) + 1;
    const row = sql`(md5(${`dept:${d.name}`})::uuid, ${lo}::int, ${lo + d.weight}::int, ${head}::int, ${parentHead}::int, md5(${`pos:${d.name}/${d.head.title}`})::uuid, ${d.staff.length}::int)`;
    lo += d.weight;
    return row;
  });
  const positions = DEPARTMENTS.flatMap((d) =>
    d.staff.map((p, n) => sql`(md5(${`dept:${d.name}`})::uuid, ${n}::int, md5(${`pos:${d.name}/${p.title}`})::uuid)`),
  );
  await sql`
    WITH dept (id, lo, hi, head, parent_head, head_position, staff_positions) AS (VALUES ${values(departments)}),
    pos (department_id, n, id) AS (VALUES ${values(positions)}),
    people AS (
      SELECT i, ${draw(1)} AS h1, ${draw(2)} AS h2, ${draw(3)} AS h3,
             (${textArray(FIRST_NAMES)})[1 + ${draw(4)} % ${FIRST_NAMES.length}] AS first_name,
             (${textArray(LAST_NAMES)})[1 + ${draw(5)} % ${LAST_NAMES.length}] AS last_name
      FROM generate_series(1, ${count}) AS i
    ),
    placed AS (
      SELECT p.*, d.id AS department_id, d.staff_positions,
             CASE WHEN p.i = d.head THEN d.head_position END AS head_position,
             CASE WHEN p.i = d.head THEN d.parent_head ELSE d.head END AS manager,
             row_number() OVER (PARTITION BY p.first_name, p.last_name ORDER BY p.i) AS same_name,
             ${AS_OF}::date - (CASE WHEN p.i <= 10 THEN 2500 + p.i * 30 ELSE p.h1 % 2400 END) AS hire_date
      FROM people p
      JOIN dept d ON (p.i <= 10 AND d.head = p.i) OR (p.i > 10 AND p.h3 % ${totalWeight} >= d.lo AND p.h3 % ${totalWeight} < d.hi)
    )
    INSERT INTO employees.employee (id, employee_number, first_name, last_name, email, hire_date, status, termination_date, department_id, position_id, manager_id)
    SELECT md5('emp:' || x.i)::uuid, 'EMP-' || lpad(x.i::text, 6, '0'), x.first_name, x.last_name,
           lower(x.first_name || '.' || x.last_name) || CASE WHEN x.same_name = 1 THEN '' ELSE x.same_name::text END || '@bench.example',
           x.hire_date,
           CASE WHEN x.i % 25 = 0 THEN 'TERMINATED' WHEN x.i % 50 = 13 THEN 'ON_LEAVE' ELSE 'ACTIVE' END,
           CASE WHEN x.i % 25 = 0 THEN x.hire_date + 200 END,
           x.department_id,
           coalesce(x.head_position, pos.id),
           CASE WHEN x.manager IS NULL THEN NULL ELSE md5('emp:' || x.manager)::uuid END
    FROM placed x
    LEFT JOIN pos ON x.head_position IS NULL AND pos.department_id = x.department_id AND pos.n = x.h2 % x.staff_positions
    ORDER BY x.i`.execute(db);
  await sql`UPDATE employees.employee_number_counter SET last_value = ${count}`.execute(db);
  await sql`
    INSERT INTO employees.position_assignment (employee_id, position_id, start_date, end_date)
    SELECT id, position_id, hire_date, termination_date FROM employees.employee`.execute(db);
  await sql`
    INSERT INTO employees.contract (employee_id, type, start_date, end_date, pay_frequency, base_salary, currency)
    SELECT id, 'PERMANENT', hire_date, termination_date, 'MONTHLY', 2900 + (hashint4(substr(employee_number, 5)::int) & 63) * 100, 'EUR'
    FROM employees.employee`.execute(db);
  // What the assets module would have learnt from EmployeeHired / EmployeeStatusChanged / EmployeeTerminated.
  await sql`
    INSERT INTO assets.employee_projection (employee_id, status, full_name, updated_at)
    SELECT id::text, status, first_name || ' ' || last_name, now() FROM employees.employee`.execute(db);
}

async function seedAssets(db: Kysely<AssetsDB>, count: number, employees: number): Promise<void> {
  await db
    .insertInto('assets.category')
    .values(ASSET_CATEGORIES.map((c) => ({ id: sql`md5(${`cat:${c.name}`})::uuid`, name: c.name })))
    .execute();
  const locations = [...new Set(ASSET_CATEGORIES.flatMap((c) => c.locations))];
  await db
    .insertInto('assets.location')
    .values(locations.map((name) => ({ id: sql`md5(${`loc:${name}`})::uuid`, name })))
    .execute();
  const totalWeight = ASSET_CATEGORIES.reduce((sum, c) => sum + c.weight, 0);
  let lo = 0;
  const categories = ASSET_CATEGORIES.map((c) => {
    const row = sql`(md5(${`cat:${c.name}`})::uuid, ${lo}::int, ${lo + c.weight}::int, ${c.tagPrefix}::text, ${textArray(c.models.map((m) => m.name))},
      ${textArray(c.models.map((m) => m.serialPrefix ?? ''))}, ${c.cost[0]}::int, ${c.cost[1]}::int, ${c.usefulLifeMonths}::int, ${c.method}::text, ${c.salvagePercent[1]}::int,
      ${textArray(c.locations)})`;
    lo += c.weight;
    return row;
  });
  // Status by h3 % 100: 3% disposed, 4% in maintenance (half of them held), 68% assigned, the rest in stock.
  await sql`
    WITH cat (id, lo, hi, prefix, models, serial_prefixes, cost_min, cost_max, life, method, salvage_pct, locations) AS (VALUES ${values(categories)}),
    drawn AS (SELECT i, ${draw(11)} AS h1, ${draw(12)} AS h2, ${draw(13)} AS h3, ${draw(14)} AS h4 FROM generate_series(1, ${count}) AS i),
    priced AS (
      SELECT d.*, c.*, (c.cost_min + d.h2 % (c.cost_max - c.cost_min)) * 100 + (ARRAY[0, 0, 50, 99])[1 + d.h4 % 4] AS cost_cents,
             ${AS_OF}::date - (30 + d.h4 % 1800) AS acquired, 1 + d.h2 % cardinality(c.models) AS model
      FROM drawn d JOIN cat c ON d.h1 % ${totalWeight} >= c.lo AND d.h1 % ${totalWeight} < c.hi
    )
    INSERT INTO assets.asset (id, tag, name, category_id, location_id, serial_number, status, currency, acquisition_date, acquisition_cost, salvage_value,
                              useful_life_months, depreciation_method, disposed_on, disposal_proceeds, book_value_at_disposal)
    SELECT md5('asset:' || p.i)::uuid, p.prefix || '-' || lpad(p.i::text, 6, '0'), p.models[p.model], p.id,
           md5('loc:' || p.locations[1 + p.h3 % cardinality(p.locations)])::uuid,
           CASE WHEN p.serial_prefixes[p.model] = '' AND p.prefix = 'FUR' THEN NULL ELSE p.serial_prefixes[p.model] || upper(substr(md5('sn:' || p.i), 1, 10)) END,
           CASE WHEN p.h3 % 100 < 3 THEN 'DISPOSED' WHEN p.h3 % 100 < 7 THEN 'IN_MAINTENANCE' WHEN p.h3 % 100 < 75 THEN 'ASSIGNED' ELSE 'IN_STOCK' END,
           'EUR', p.acquired, p.cost_cents / 100.0, (p.cost_cents * p.salvage_pct / 100) / 100.0, p.life, p.method,
           CASE WHEN p.h3 % 100 < 3 THEN p.acquired + 400 END,
           CASE WHEN p.h3 % 100 < 3 THEN (p.cost_cents / 10) / 100.0 END,
           CASE WHEN p.h3 % 100 < 3 THEN (p.cost_cents * p.salvage_pct / 100) / 100.0 END
    FROM priced p
    ORDER BY p.i`.execute(db);

  // Holders are ACTIVE: employee numbers 25k + 1..12 are never terminated (i % 25 = 0) nor on leave (i % 50 = 13).
  const blocks = Math.floor(employees / 25);
  await sql`
    INSERT INTO assets.assignment (asset_id, employee_id, assigned_on)
    SELECT a.id, e.id::text, greatest(a.acquisition_date, e.hire_date)
    FROM (SELECT id, acquisition_date, substr(tag, 5)::int AS i, status FROM assets.asset) a
    JOIN employees.employee e ON e.id = md5('emp:' || (25 * ((hashint4(a.i * 7 + 15) & 2147483647) % ${blocks}) + 1 + (hashint4(a.i * 7 + 16) & 2147483647) % 12))::uuid
    WHERE a.status = 'ASSIGNED' OR (a.status = 'IN_MAINTENANCE' AND a.i % 2 = 0)`.execute(db);
  await sql`
    INSERT INTO assets.maintenance (asset_id, status, scheduled_for, description)
    SELECT id, 'SCHEDULED', ${AS_OF}::date + (substr(tag, 5)::int % 14), 'Annual health check' FROM assets.asset WHERE status = 'IN_MAINTENANCE'`.execute(db);
  await sql`
    INSERT INTO assets.maintenance (asset_id, status, scheduled_for, description, completed_on, cost, currency)
    SELECT id, 'COMPLETED', acquisition_date + 20, 'Battery replacement', acquisition_date + 25, 120.00, 'EUR' FROM assets.asset WHERE substr(tag, 5)::int % 10 = 3`.execute(
    db,
  );
}

/** Fills the tenant and refreshes statistics and visibility maps, as autovacuum would after such a load. */
export async function seedListingData(db: Kysely<unknown>, counts: { employees: number; assets: number }): Promise<void> {
  // One handle on the tenant database; each module's tables are written through its own database type.
  await seedOrganisation(db as Kysely<EmployeesDB>);
  await seedEmployees(db, counts.employees);
  await seedAssets(db as Kysely<AssetsDB>, counts.assets, counts.employees);
  for (const table of [
    'employees.employee',
    'employees.contract',
    'employees.position_assignment',
    'assets.employee_projection',
    'assets.asset',
    'assets.assignment',
    'assets.maintenance',
  ]) {
    await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
  }
}

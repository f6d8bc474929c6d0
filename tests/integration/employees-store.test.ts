import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { createPool } from '../../platform/db';
import { UserErrorsException } from '../../subgraphs/kit/errors';
import { orUserError } from '../../subgraphs/employees/services/guards';
import { insertAssignment } from '../../subgraphs/employees/store/assignments';
import { violatedConstraint } from '../../subgraphs/employees/store/constraints';
import { insertContract } from '../../subgraphs/employees/store/contracts';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { departmentChainUp, insertDepartment } from '../../subgraphs/employees/store/departments';
import { countEmployees, insertEmployee, listEmployees, managerChainUp, takeNextEmployeeNumber } from '../../subgraphs/employees/store/employees';
import { insertPosition } from '../../subgraphs/employees/store/positions';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let db: Kysely<EmployeesDB>;
/** The last statement the store sent, with its parameters, so the test can EXPLAIN exactly that. */
let lastQuery: CompiledQuery | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  const company = await createCompany(database, { name: 'Store Test Co', modules: ['EMPLOYEES'] });
  db = new Kysely<EmployeesDB>({
    dialect: new PostgresDialect({ pool: createPool(company.tenantUrl, { max: 3 }) }),
    log: (event) => {
      if (event.level === 'query') lastQuery = CompiledQuery.raw(event.query.sql, [...event.query.parameters]);
    },
  });
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

let n = 0;
async function newEmployee(values: { managerId?: string | null } = {}) {
  n += 1;
  return insertEmployee(db, {
    employee_number: `T-${n}`,
    first_name: 'Store',
    last_name: `Person${n}`,
    email: `store${n}@example.test`,
    hire_date: '2026-01-01',
    manager_id: values.managerId ?? null,
  });
}

const contractTerms = (employeeId: string, start: string, end: string | null) => ({
  employee_id: employeeId,
  type: 'PERMANENT' as const,
  start_date: start,
  end_date: end,
  pay_frequency: 'MONTHLY' as const,
  base_salary: '1000.00',
  currency: 'EUR',
});

describe('the employees schema enforces its own rules', () => {
  it('refuses a second contract on any shared day (btree_gist exclusion), whatever the code checked', async () => {
    const person = await newEmployee();
    await insertContract(db, contractTerms(person.id, '2026-01-01', '2026-06-30'));
    // The last day is inclusive: a contract starting on it overlaps.
    const clash = await insertContract(db, contractTerms(person.id, '2026-06-30', null)).catch((e: unknown) => e);
    expect(violatedConstraint(clash)).toBe('contract_no_overlap');
    expect((clash as { code: string }).code).toBe('23P01');
    // The next day is free, and another employee is never in the way.
    await expect(insertContract(db, contractTerms(person.id, '2026-07-01', null))).resolves.toMatchObject({ start_date: '2026-07-01', end_date: null });
    const other = await newEmployee();
    await expect(insertContract(db, contractTerms(other.id, '2026-01-01', null))).resolves.toMatchObject({ employee_id: other.id });
  });

  it('turns the exclusion violation into CONTRACT_OVERLAP and a fault into a fault', async () => {
    const person = await newEmployee();
    await insertContract(db, contractTerms(person.id, '2026-01-01', null));
    const known = { contract_no_overlap: ['input.startDate', 'overlap', 'CONTRACT_OVERLAP'] as [string, string, string] };
    const refused = await orUserError(insertContract(db, contractTerms(person.id, '2027-01-01', null)), known).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserErrorsException);
    expect((refused as UserErrorsException).userErrors).toEqual([{ field: ['input', 'startDate'], message: 'overlap', code: 'CONTRACT_OVERLAP' }]);
    const fault = await orUserError(insertContract(db, { ...contractTerms(person.id, '2030-01-01', null), currency: 'euro' }), known).catch((e: unknown) => e);
    expect(fault).not.toBeInstanceOf(UserErrorsException);
  });

  it('refuses overlapping position assignments, a fixed term without end, and an end before the start', async () => {
    const person = await newEmployee();
    const dept = await insertDepartment(db, { name: `Dept ${n}`, parent_id: null });
    const position = await insertPosition(db, { title: 'Clerk', department_id: dept.id });
    await insertAssignment(db, { employee_id: person.id, position_id: position.id, start_date: '2026-01-01', end_date: null });
    const overlap = await insertAssignment(db, { employee_id: person.id, position_id: position.id, start_date: '2026-03-01', end_date: null }).catch(
      (e: unknown) => e,
    );
    expect(violatedConstraint(overlap)).toBe('position_assignment_no_overlap');
    await expect(insertContract(db, { ...contractTerms(person.id, '2026-01-01', null), type: 'FIXED_TERM' })).rejects.toMatchObject({
      constraint: 'contract_fixed_term_has_end',
    });
    await expect(insertContract(db, contractTerms(person.id, '2026-01-01', '2025-12-31'))).rejects.toMatchObject({ constraint: 'contract_dates_in_order' });
  });

  it('refuses an e-mail that differs only in case', async () => {
    const person = await newEmployee();
    const dup = await insertEmployee(db, {
      employee_number: 'T-dup',
      first_name: 'D',
      last_name: 'D',
      email: person.email.toUpperCase(),
      hire_date: '2026-01-01',
    }).catch((e: unknown) => e);
    expect(violatedConstraint(dup)).toBe('employee_email');
  });
});

describe('employee numbers', () => {
  it('come back when the hire rolls back, so there are no gaps', async () => {
    const before = await db.selectFrom('employees.employee_number_counter').select('last_value').executeTakeFirstOrThrow();
    const rolledBack = await db
      .transaction()
      .execute(async (trx) => {
        await takeNextEmployeeNumber(trx);
        throw new Error('hire failed');
      })
      .catch((e: Error) => e.message);
    expect(rolledBack).toBe('hire failed');
    const next = await db.transaction().execute((trx) => takeNextEmployeeNumber(trx));
    expect(next).toBe(before.last_value + 1);
  });
});

describe('reporting line and department tree walks', () => {
  it('walks from a node up to the root with a recursive CTE', async () => {
    const top = await newEmployee();
    const middle = await newEmployee({ managerId: top.id });
    const bottom = await newEmployee({ managerId: middle.id });
    expect(await managerChainUp(db, bottom.id)).toEqual(expect.arrayContaining([bottom.id, middle.id, top.id]));
    expect(await managerChainUp(db, bottom.id)).toHaveLength(3);
    expect(await managerChainUp(db, top.id)).toEqual([top.id]);

    const root = await insertDepartment(db, { name: 'Root', parent_id: null });
    const leaf = await insertDepartment(db, { name: 'Leaf', parent_id: root.id });
    expect((await departmentChainUp(db, leaf.id)).sort()).toEqual([leaf.id, root.id].sort());
  });
});

describe('the employee tally', () => {
  /** The tally and a real count, per (department, status) pair that has employees or a non-zero tally. */
  async function tallyAndCount() {
    const { rows } = await sql<{ department_id: string | null; status: string; tally: string; counted: string }>`
      SELECT coalesce(c.department_id, e.department_id) AS department_id, coalesce(c.status, e.status) AS status,
             coalesce(c.employees, 0)::text AS tally, coalesce(e.n, 0)::text AS counted
      FROM employees.employee_count c
      FULL JOIN (SELECT department_id, status, count(*) AS n FROM employees.employee GROUP BY department_id, status) e
        ON c.department_id IS NOT DISTINCT FROM e.department_id AND c.status = e.status
      WHERE coalesce(c.employees, 0) <> 0 OR coalesce(e.n, 0) <> 0`.execute(db);
    return rows;
  }
  const all = { status: null, departmentId: null, search: null };

  it('follows hires, transfers, status changes and deletions, with or without a department', async () => {
    const sales = await insertDepartment(db, { name: 'Tally Sales', parent_id: null });
    const ops = await insertDepartment(db, { name: 'Tally Ops', parent_id: null });
    const before = await countEmployees(db, all, null);
    const hired = await Promise.all([newEmployee(), newEmployee(), newEmployee()]);
    await db
      .updateTable('employees.employee')
      .set({ department_id: sales.id })
      .where(
        'id',
        'in',
        hired.map((e) => e.id),
      )
      .execute();
    await db.updateTable('employees.employee').set({ department_id: ops.id, status: 'ON_LEAVE' }).where('id', '=', hired[0]!.id).execute();
    await db.updateTable('employees.employee').set({ department_id: null }).where('id', '=', hired[1]!.id).execute();

    expect(await countEmployees(db, all, null)).toBe(before + 3);
    expect(await countEmployees(db, { ...all, departmentId: sales.id }, null)).toBe(1);
    expect(await countEmployees(db, { ...all, departmentId: ops.id, status: 'ON_LEAVE' }, null)).toBe(1);
    expect(await countEmployees(db, { ...all, departmentId: ops.id, status: 'ACTIVE' }, null)).toBe(0);
    expect((await tallyAndCount()).filter((r) => r.tally !== r.counted)).toEqual([]);

    await db.deleteFrom('employees.employee').where('id', '=', hired[2]!.id).execute();
    expect(await countEmployees(db, { ...all, departmentId: sales.id }, null)).toBe(0);
    expect(await countEmployees(db, all, null)).toBe(before + 2);
    expect((await tallyAndCount()).filter((r) => r.tally !== r.counted)).toEqual([]);
  });

  it('rolls back with the transaction that moved it', async () => {
    const before = await tallyAndCount();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('employees.employee').set({ status: 'ON_LEAVE' }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await tallyAndCount()).toEqual(before);
  });
});

describe('free-text search at scale', () => {
  it('uses the trigram index on the generated search column', async () => {
    // 20,000 employees, enough for the planner to prefer the index over a scan.
    await sql`
      INSERT INTO employees.employee (employee_number, first_name, last_name, email, hire_date)
      SELECT 'BULK-' || g, 'Bulk', 'Surname' || g, 'bulk' || g || '@scale.example', DATE '2026-01-01'
      FROM generate_series(1, 20000) g`.execute(db);
    await sql`ANALYZE employees.employee`.execute(db);
    const found = await listEmployees(db, { status: null, departmentId: null, search: 'Surname12345' }, null, { after: null, limit: 21 });
    expect(found.rows.map((e) => e.last_name)).toEqual(['Surname12345']);
    // Sorted from its one match, the page counted it too.
    expect(found.total).toBe(1);
    // EXPLAIN the very statement (and parameters) the store just ran.
    const ran = lastQuery!;
    const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${ran.sql}`, [...ran.parameters]));
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('employee_search');
  });
});

import { sql, type SelectQueryBuilder } from 'kysely';
import type { CursorValues } from '../../kit/pagination';
import type { EmployeesDB, EmployeesExecutor } from './db';
import type { EmployeeRow, EmployeeStatus, EmployeeUpdate, NewEmployee } from './employee.table';

/** Every column but the generated search text, which no caller needs back. */
const EMPLOYEE_COLUMNS = [
  'id', 'employee_number', 'first_name', 'last_name', 'email', 'hire_date', 'status', 'termination_date',
  'department_id', 'position_id', 'manager_id', 'created_at', 'updated_at',
] as const;

/** Takes the tenant's next employee number; the counter row stays locked until the hire commits or rolls back. */
export async function takeNextEmployeeNumber(db: EmployeesExecutor): Promise<number> {
  const row = await db
    .updateTable('employees.employee_number_counter')
    .set((eb) => ({ last_value: eb('last_value', '+', 1) }))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return row.last_value;
}

export function insertEmployee(db: EmployeesExecutor, values: NewEmployee): Promise<EmployeeRow> {
  return db.insertInto('employees.employee').values(values).returning(EMPLOYEE_COLUMNS).executeTakeFirstOrThrow();
}

/** One employee; with forUpdate the row stays locked so concurrent changes to them queue up. */
export function findEmployee(db: EmployeesExecutor, id: string, options: { forUpdate?: boolean } = {}): Promise<EmployeeRow | undefined> {
  const query = db.selectFrom('employees.employee').select(EMPLOYEE_COLUMNS).where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export function findEmployeesByIds(db: EmployeesExecutor, ids: readonly string[]): Promise<EmployeeRow[]> {
  return db.selectFrom('employees.employee').select(EMPLOYEE_COLUMNS).where('id', 'in', ids).execute();
}

export function findReportsOf(db: EmployeesExecutor, managerIds: readonly string[]): Promise<EmployeeRow[]> {
  return db
    .selectFrom('employees.employee')
    .select(EMPLOYEE_COLUMNS)
    .where('manager_id', 'in', managerIds)
    .orderBy('last_name')
    .orderBy('first_name')
    .orderBy('id')
    .execute();
}

/** Whether an address is taken, ignoring case (the unique index is on lower(email)). */
export async function emailTaken(db: EmployeesExecutor, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('employees.employee')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return row !== undefined;
}

export function updateEmployee(db: EmployeesExecutor, id: string, changes: EmployeeUpdate): Promise<EmployeeRow> {
  return db
    .updateTable('employees.employee')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returning(EMPLOYEE_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** The reporting line from `startId` up to the top, `startId` first. UNION stops even on a damaged (cyclic) line. */
export async function managerChainUp(db: EmployeesExecutor, startId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    WITH RECURSIVE chain (id, manager_id) AS (
      SELECT id, manager_id FROM employees.employee WHERE id = ${startId}
      UNION
      SELECT e.id, e.manager_id FROM employees.employee e JOIN chain c ON e.id = c.manager_id
    )
    SELECT id FROM chain`.execute(db);
  return rows.map((r) => r.id);
}

export interface EmployeeFilter {
  status: EmployeeStatus | null;
  departmentId: string | null;
  /** Free text, matched as a substring of number, names and e-mail. */
  search: string | null;
}

/** Escapes LIKE's wildcards so a search for "50%" looks for the characters. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filtered<O>(query: SelectQueryBuilder<EmployeesDB, 'employees.employee', O>, filter: EmployeeFilter) {
  let q = query;
  if (filter.status !== null) q = q.where('status', '=', filter.status);
  if (filter.departmentId !== null) q = q.where('department_id', '=', filter.departmentId);
  // search_text is lower-cased and GIN trigram-indexed, so this LIKE uses the index.
  if (filter.search !== null) q = q.where('search_text', 'like', likePattern(filter.search));
  return q;
}

/** A page of the directory in its stable order: last name, first name, id. */
export async function listEmployees(db: EmployeesExecutor, filter: EmployeeFilter, page: { after: CursorValues | null; limit: number }): Promise<EmployeeRow[]> {
  let query = filtered(db.selectFrom('employees.employee').select(EMPLOYEE_COLUMNS), filter);
  if (page.after) {
    const [lastName, firstName, id] = page.after.map(String) as [string, string, string];
    query = query.where((eb) => eb(eb.refTuple('last_name', 'first_name', 'id'), '>', eb.tuple(lastName, firstName, id)));
  }
  if (usesTrigrams(filter.search) && (await matchesAtMost(db, filter, FENCE_LIMIT)) <= FENCE_LIMIT) {
    // Few matches: OFFSET 0 fences them, so PostgreSQL takes them from the
    // trigram index and sorts them, instead of walking the directory in name
    // order and discarding non-matches (tens of ms when the matches sort late).
    // Many matches: the walk finds a page of them quickly, so it stays.
    return db
      .selectFrom(query.offset(0).as('matches'))
      .selectAll()
      .orderBy('last_name')
      .orderBy('first_name')
      .orderBy('id')
      .limit(page.limit)
      .execute() as Promise<EmployeeRow[]>;
  }
  return query.orderBy('last_name').orderBy('first_name').orderBy('id').limit(page.limit).execute();
}

/** Up to this many matches a search page is sorted from the trigram index's matches. */
const FENCE_LIMIT = 5000;

/** How many employees match, counting no further than `cap` + 1 (a cheap probe through the trigram index). */
async function matchesAtMost(db: EmployeesExecutor, filter: EmployeeFilter, cap: number): Promise<number> {
  const probe = filtered(db.selectFrom('employees.employee').select('id'), filter).limit(cap + 1).as('probe');
  const row = await db.selectFrom(probe).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Trigram indexes serve terms of three characters or more. */
export function usesTrigrams(search: string | null): search is string {
  return search !== null && search.trim().length >= 3;
}

export async function countEmployees(db: EmployeesExecutor, filter: EmployeeFilter): Promise<number> {
  const row = await filtered(db.selectFrom('employees.employee').select((eb) => eb.fn.countAll<string>().as('n')), filter).executeTakeFirstOrThrow();
  return Number(row.n);
}

import { sql, type SelectQueryBuilder } from 'kysely';
import { capped, type CursorValues, type MatchCount } from '../../kit/pagination';
import { containsPattern, countUpTo, isSubstringTerm, searchPage, startsWith, type ListedPage, type Planned } from '../../kit/search';
import type { RowScope } from '../../../platform/permissions';
import type { EmployeesDB, EmployeesExecutor } from './db';
import type { EmployeeRow, EmployeeStatus, EmployeeUpdate, NewEmployee } from './employee.table';
import { employeeInScope } from './scope';
import { conditionSql, sortValueSql, type CustomCondition } from '../../kit/custom-fields/filter';
import { valueExpression } from '../../kit/custom-fields/store';

/** Every column but the generated search text, which no caller needs back. */
const EMPLOYEE_COLUMNS = [
  'id',
  'employee_number',
  'first_name',
  'last_name',
  'email',
  'hire_date',
  'status',
  'termination_date',
  'department_id',
  'position_id',
  'manager_id',
  'custom_fields',
  'created_at',
  'updated_at',
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

/** The employees of `ids` that the scope reaches (null: every one); others are as absent as unknown ids. */
export function findEmployeesByIds(db: EmployeesExecutor, ids: readonly string[], scope: RowScope | null): Promise<EmployeeRow[]> {
  return inScope(db.selectFrom('employees.employee').select(EMPLOYEE_COLUMNS).where('id', 'in', ids), scope).execute();
}

/** The direct reports of the managers that the scope reaches (null: every one). */
export function findReportsOf(db: EmployeesExecutor, managerIds: readonly string[], scope: RowScope | null): Promise<EmployeeRow[]> {
  return inScope(db.selectFrom('employees.employee').select(EMPLOYEE_COLUMNS).where('manager_id', 'in', managerIds), scope)
    .orderBy('last_name')
    .orderBy('first_name')
    .orderBy('id')
    .execute();
}

/** Whether an address is taken, ignoring case (the unique index is on lower(email)), by anyone but `exceptId`. */
export async function emailTaken(db: EmployeesExecutor, email: string, exceptId?: string): Promise<boolean> {
  let query = db
    .selectFrom('employees.employee')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()));
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export function updateEmployee(db: EmployeesExecutor, id: string, changes: EmployeeUpdate): Promise<EmployeeRow> {
  return db
    .updateTable('employees.employee')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returning(EMPLOYEE_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Moves the working (not terminated) direct reports of one manager to another (or to none); returns them as moved. */
export function moveWorkingReports(db: EmployeesExecutor, fromManagerId: string, toManagerId: string | null): Promise<EmployeeRow[]> {
  return db
    .updateTable('employees.employee')
    .set({ manager_id: toManagerId, updated_at: new Date() })
    .where('manager_id', '=', fromManagerId)
    .where('status', '<>', 'TERMINATED')
    .returning(EMPLOYEE_COLUMNS)
    .execute();
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
  /**
   * Free text: three characters or more are matched anywhere in the number,
   * names and e-mail; one or two match the start of the first name, last name
   * or e-mail (see kit/search.ts).
   */
  search: string | null;
  /** Conditions on custom fields, checked against their definitions (kit/custom-fields/filter.ts); each has an index. */
  custom?: readonly CustomCondition[];
  /** Sort by this custom field first (its condition `present` is also in `custom`); no search with it. */
  sortBy?: CustomCondition | null;
}

/** Only the employees a row scope reaches; null reaches every one. */
function inScope<O>(query: SelectQueryBuilder<EmployeesDB, 'employees.employee', O>, scope: RowScope | null) {
  return scope === null ? query : query.where(employeeInScope(scope));
}

function filtered<O>(query: SelectQueryBuilder<EmployeesDB, 'employees.employee', O>, filter: EmployeeFilter, scope: RowScope | null) {
  let q = inScope(query, scope);
  if (filter.status !== null) q = q.where('status', '=', filter.status);
  if (filter.departmentId !== null) q = q.where('department_id', '=', filter.departmentId);
  for (const condition of filter.custom ?? []) q = q.where(conditionSql(condition));
  const term = filter.search;
  if (term !== null) {
    if (isSubstringTerm(term)) {
      // search_text is lower-cased and GIN trigram-indexed, so this LIKE uses the index.
      q = q.where('search_text', 'like', containsPattern(term));
    } else {
      q = q.where((eb) => eb.or([startsWith('first_name', term), startsWith('last_name', term), startsWith('email', term)]));
    }
  }
  return q;
}

/** The directory's order: last name, first name, id. */
const DIRECTORY_ORDER = ['last_name', 'first_name', 'id'] as const;

/**
 * A page of the directory in its stable order. A search goes through the
 * kit's searchPage (its plan and why), over employee_directory_walk, which
 * carries search_text, status and department for the walk. Only employees the
 * scope reaches (null: every one) are read, whatever the cursor says: a cursor
 * is only a position in the order, never a grant.
 */
export async function listEmployees(
  db: EmployeesExecutor,
  filter: EmployeeFilter,
  scope: RowScope | null,
  page: { after: CursorValues | null; limit: number },
  planned: Planned = () => undefined,
): Promise<ListedPage<EmployeeRow>> {
  if (filter.sortBy) return { rows: await listByCustomField(db, filter, filter.sortBy, scope, page), total: null };
  if (filter.search === null) {
    planned(false);
    let walk = filtered(db.selectFrom('employees.employee').select(EMPLOYEE_COLUMNS), filter, scope);
    if (page.after) {
      const [lastName, firstName, id] = page.after.map(String) as [string, string, string];
      walk = walk.where((eb) => eb(eb.refTuple('last_name', 'first_name', 'id'), '>', eb.tuple(lastName, firstName, id)));
    }
    return { rows: await walk.orderBy('last_name').orderBy('first_name').orderBy('id').limit(page.limit).execute(), total: null };
  }
  const keys = filtered(db.selectFrom('employees.employee').select(DIRECTORY_ORDER), filter, scope);
  return searchPage(db, { keys, order: DIRECTORY_ORDER, table: 'employees.employee', columns: EMPLOYEE_COLUMNS }, page, planned);
}

/**
 * A page ordered by a custom field's value, then the directory's order: the
 * field's index holds exactly that key, so the page walks it in order.
 */
function listByCustomField(
  db: EmployeesExecutor,
  filter: EmployeeFilter,
  sortBy: CustomCondition,
  scope: RowScope | null,
  page: { after: CursorValues | null; limit: number },
) {
  const expr = valueExpression(sortBy.definition.type, sortBy.definition.key);
  let walk = filtered(db.selectFrom('employees.employee').select(EMPLOYEE_COLUMNS), filter, scope);
  if (page.after) {
    const [value, lastName, firstName, id] = page.after;
    walk = walk.where(
      sql<boolean>`(${expr}, last_name, first_name, id) > (${sortValueSql(sortBy.definition, value!)}, ${String(lastName)}, ${String(firstName)}, ${String(id)}::uuid)`,
    );
  }
  return walk.orderBy(expr).orderBy('last_name').orderBy('first_name').orderBy('id').limit(page.limit).execute();
}

/**
 * How many employees match; without a search or scope the total comes from the
 * tally, without counting rows. The tally counts the whole company, so a
 * scoped caller's employees are counted row by row.
 */
export async function countEmployees(db: EmployeesExecutor, filter: EmployeeFilter, scope: RowScope | null): Promise<number> {
  if (filter.search === null && scope === null && !filter.custom?.length) {
    let tally = db.selectFrom('employees.employee_count').select((eb) => eb.fn.coalesce(eb.fn.sum<string>('employees'), sql<string>`0`).as('n'));
    if (filter.status !== null) tally = tally.where('status', '=', filter.status);
    if (filter.departmentId !== null) tally = tally.where('department_id', '=', filter.departmentId);
    return Number((await tally.executeTakeFirstOrThrow()).n);
  }
  const row = await filtered(
    db.selectFrom('employees.employee').select((eb) => eb.fn.countAll<string>().as('n')),
    filter,
    scope,
  ).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many employees match, counting no further than `limit` + 1 (MatchCount). */
export async function countEmployeesUpTo(db: EmployeesExecutor, filter: EmployeeFilter, scope: RowScope | null, limit: number): Promise<MatchCount> {
  if (filter.search === null && scope === null && !filter.custom?.length) return capped(await countEmployees(db, filter, null), limit);
  return countUpTo(db, filtered(db.selectFrom('employees.employee').select('id'), filter, scope), limit);
}

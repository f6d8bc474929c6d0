import { sql, type RawBuilder } from 'kysely';
import { isUuid, onlyUuids } from '../../../platform/ids';
import type { RowScope } from '../../../platform/permissions';

/**
 * SQL: the employee whose id is in `idColumn` lies within the scope — it is the
 * scope's own employee record, or works in one of its departments or any
 * department below them. The subtrees are walked by a recursive CTE in the same
 * statement, so a scoped read never fetches a row it then has to drop. UNION
 * stops even on a damaged (cyclic) tree.
 *
 * `idColumn` and `departmentColumn` name the employee's columns in the query
 * the condition goes into; without `departmentColumn` (a table that has only
 * the employee id) the employee's department is looked up.
 */
export function employeeInScope(
  scope: RowScope,
  columns: { id: string; department?: string } = { id: 'id', department: 'department_id' },
): RawBuilder<boolean> {
  // Ids come signed from the gateway; anything that is not a uuid still names no row, and must not reach a uuid cast.
  const self = scope.employeeId !== null && isUuid(scope.employeeId) ? scope.employeeId : null;
  const roots = onlyUuids(scope.departmentIds);
  const reaches: RawBuilder<boolean>[] = [];
  if (self !== null) reaches.push(sql<boolean>`${sql.ref(columns.id)} = ${self}`);
  if (roots.length > 0) {
    const subtrees = sql`
      WITH RECURSIVE subtree (id) AS (
        SELECT id FROM employees.department WHERE id = ANY(${roots}::uuid[])
        UNION
        SELECT d.id FROM employees.department d JOIN subtree s ON d.parent_id = s.id
      )
      SELECT id FROM subtree`;
    reaches.push(
      columns.department
        ? sql<boolean>`${sql.ref(columns.department)} IN (${subtrees})`
        : sql<boolean>`${sql.ref(columns.id)} IN (SELECT e.id FROM employees.employee e WHERE e.department_id IN (${subtrees}))`,
    );
  }
  // A scope that names no employee and no department reaches nobody.
  if (reaches.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(reaches, sql` OR `)})`;
}

import { sql } from 'kysely';
import type { EmployeesExecutor } from './db';

/**
 * Transaction-scoped advisory locks that serialise changes which could close a
 * loop together: two concurrent moves (A under B, B under A) each pass a cycle
 * check alone. The tenant database is the company's own, so the lock is too.
 */
async function lockFor(db: EmployeesExecutor, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(db);
}

export const lockReportingLine = (db: EmployeesExecutor) => lockFor(db, 'employees:reporting-line');
export const lockDepartmentTree = (db: EmployeesExecutor) => lockFor(db, 'employees:department-tree');

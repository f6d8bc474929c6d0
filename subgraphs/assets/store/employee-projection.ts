import { sql } from 'kysely';
import type { EmployeeStatus } from '../domain/types';
import type { AssetsExecutor, EmployeeProjectionRow } from './db';

/**
 * The projection row of an employee, share-locked: an event changing the
 * employee's status waits until the assignment that read it has committed.
 */
export function findEmployeeForAssignment(db: AssetsExecutor, employeeId: string): Promise<EmployeeProjectionRow | undefined> {
  return db.selectFrom('assets.employee_projection').selectAll().where('employee_id', '=', employeeId).forShare().executeTakeFirst();
}

export function findEmployeesByIds(db: AssetsExecutor, employeeIds: readonly string[]): Promise<EmployeeProjectionRow[]> {
  return db.selectFrom('assets.employee_projection').selectAll().where('employee_id', 'in', employeeIds).execute();
}

export interface EmployeeFact {
  employeeId: string;
  /** When the fact happened (the event's occurrence time). */
  occurredAt: Date;
  status: EmployeeStatus;
  /** Known from EmployeeHired; other events leave the name alone. */
  fullName: string | null;
}

/**
 * Applies one fact to the projection, idempotently and whatever the arrival
 * order: the status moves only to a fact more recent than the one it reflects.
 * Facts of one transaction share a timestamp; on such a tie the later delivery
 * wins (the relay delivers an employee's events in order), except that a
 * termination is never undone by a fact of the same instant. A name, once
 * known, is kept until a new one arrives.
 */
export async function applyEmployeeFact(db: AssetsExecutor, fact: EmployeeFact): Promise<void> {
  await db
    .insertInto('assets.employee_projection')
    .values({ employee_id: fact.employeeId, status: fact.status, full_name: fact.fullName, updated_at: fact.occurredAt })
    .onConflict((oc) =>
      oc.column('employee_id').doUpdateSet({
        status: sql`CASE
          WHEN excluded.updated_at > assets.employee_projection.updated_at THEN excluded.status
          WHEN excluded.updated_at = assets.employee_projection.updated_at AND assets.employee_projection.status <> 'TERMINATED' THEN excluded.status
          ELSE assets.employee_projection.status END`,
        full_name: sql`coalesce(excluded.full_name, assets.employee_projection.full_name)`,
        updated_at: sql`greatest(excluded.updated_at, assets.employee_projection.updated_at)`,
      }),
    )
    .execute();
}

/**
 * A corrected name. The relay delivers an employee's events in order, after
 * the hire that created the row, so the latest correction is the last applied.
 */
export async function applyEmployeeName(db: AssetsExecutor, employeeId: string, fullName: string): Promise<void> {
  await db.updateTable('assets.employee_projection').set({ full_name: fullName }).where('employee_id', '=', employeeId).execute();
}

import { sql } from 'kysely';
import type { EmployeesExecutor } from './db';
import type { DataKeyRow } from './data-key.table';

/** The versions that still decrypt (not retired), newest first: the first is the one new ciphertexts use. */
export function findLiveDataKeys(db: EmployeesExecutor): Promise<DataKeyRow[]> {
  return db.selectFrom('employees.data_key').selectAll().where('retired_at', 'is', null).orderBy('version', 'desc').execute();
}

/** Adds a version unless another writer added it first (a racing first write); either way it exists afterwards. */
export async function insertDataKey(db: EmployeesExecutor, version: number, wrappedKey: string): Promise<void> {
  await db
    .insertInto('employees.data_key')
    .values({ version, wrapped_key: wrappedKey })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
}

export async function latestDataKeyVersion(db: EmployeesExecutor): Promise<number> {
  const row = await db
    .selectFrom('employees.data_key')
    .select(sql<number>`coalesce(max(version), 0)`.as('version'))
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Retires the live versions below `version` that no row uses any more, forgetting their keys; returns the versions retired. */
export async function retireUnusedDataKeys(db: EmployeesExecutor, below: number): Promise<number[]> {
  const rows = await db
    .updateTable('employees.data_key')
    .set({ retired_at: new Date(), wrapped_key: null })
    .where('version', '<', below)
    .where('retired_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('employees.employee_personal_data as p').select('p.employee_id').whereRef('p.key_version', '=', 'employees.data_key.version'))),
    )
    .returning('version')
    .execute();
  return rows.map((r) => r.version).sort((a, b) => a - b);
}

/** Re-wraps a live version's key (master-key rotation). */
export async function setWrappedKey(db: EmployeesExecutor, version: number, wrappedKey: string): Promise<void> {
  await db.updateTable('employees.data_key').set({ wrapped_key: wrappedKey }).where('version', '=', version).where('retired_at', 'is', null).execute();
}

import { sql, type Kysely } from 'kysely';
import { moduleSchema, type ModuleName } from '../platform/modules';

/** Where each module's marks were read up to: the highest `data_change` id seen. */
export type DataChangeMarks = Map<ModuleName, string>;

/** PostgreSQL's undefined_table: a tenant whose migrations have not yet added the marks. */
const UNDEFINED_TABLE = '42P01';

/**
 * The modules of one tenant database whose tables were written since their
 * marks were last cleared (migrations/tenant/data-changes.ts), with the mark
 * each was read up to: one statement for every module. A tenant not yet
 * migrated this far has no marks to read, and reads as unchanged.
 */
export async function readDataChanges<DB>(db: Kysely<DB>, modules: readonly ModuleName[]): Promise<DataChangeMarks> {
  const marks: DataChangeMarks = new Map();
  if (modules.length === 0) return marks;
  const reads = modules.map((m) => sql`SELECT ${m}::text AS module, max(id)::text AS upto FROM ${sql.table(`${moduleSchema(m)}.data_change`)}`);
  try {
    const { rows } = await sql<{ module: ModuleName; upto: string | null }>`${sql.join(reads, sql` UNION ALL `)}`.execute(db);
    for (const { module, upto } of rows) if (upto !== null) marks.set(module, upto);
  } catch (error) {
    if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
  }
  return marks;
}

/** Deletes the marks read, and none written since: a change that committed after the read is announced next time. */
export async function clearDataChanges<DB>(db: Kysely<DB>, marks: DataChangeMarks): Promise<void> {
  for (const [module, upto] of marks) await sql`DELETE FROM ${sql.table(`${moduleSchema(module)}.data_change`)} WHERE id <= ${upto}::bigint`.execute(db);
}

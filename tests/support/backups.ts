import { sql, type Kysely } from 'kysely';
import { createDatabase } from '../../platform/db';

/** Runs `work` on a one-connection pool of `url`, closed after. */
export async function inDatabase<T>(url: string, work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = createDatabase<unknown>(url, { max: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/**
 * What a database holds, table by table (row count and a hash of the rows in
 * a stable order) and sequence by sequence: two databases with the same
 * contents give equal objects, whatever order their rows were written in.
 */
export function databaseContents(url: string): Promise<Record<string, string>> {
  return inDatabase(url, async (db) => {
    const { rows: tables } = await sql<{ name: string; t: string }>`
      SELECT schemaname || '.' || tablename AS name, format('%I.%I', schemaname, tablename) AS t FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`.execute(db);
    const contents: Record<string, string> = {};
    for (const { name, t } of tables) {
      const { rows } = await sql<{ n: string; h: string | null }>`
        SELECT count(*) AS n, md5(string_agg(r::text, '|' ORDER BY r::text)) AS h FROM ${sql.raw(t)} r`.execute(db);
      contents[name] = `${rows[0]!.n} rows ${rows[0]!.h ?? ''}`;
    }
    const { rows: sequences } = await sql<{ s: string; v: string | null }>`
      SELECT schemaname || '.' || sequencename AS s, last_value::text AS v FROM pg_sequences ORDER BY 1`.execute(db);
    for (const { s, v } of sequences) contents[`sequence ${s}`] = v ?? 'unused';
    return contents;
  });
}

/** The names of the databases on the server that start with `prefix`. */
export function databasesNamed(serverUrl: string, prefix: string): Promise<string[]> {
  return inDatabase(serverUrl, async (db) =>
    (await sql<{ datname: string }>`SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix}) ORDER BY 1`.execute(db)).rows.map((r) => r.datname),
  );
}

import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * The data side of a tenant move (platform/tenant-move.ts): a change log on the
 * old copy, a bulk copy from one snapshot, then rounds that copy only the rows
 * changed since, each from one snapshot too, so the last round — the one run
 * while writes wait — is small. Works between any two servers a connection
 * reaches, whatever their major versions, without logical replication (which
 * needs wal_level=logical, hence a restart, on the old server).
 */

/** Schema of the change log on the old copy; dropped when the move ends. */
export const CAPTURE_SCHEMA = 'fluxo_move';

export interface MovedTable {
  schema: string;
  name: string;
  columns: string[];
  /** Primary-key columns; empty: every change copies the whole table again. */
  key: string[];
}

export async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  // Rows are compared as text on both servers: the same rendering of instants and numbers.
  await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET extra_float_digits = 1`);
  return client;
}

const id = (c: pg.ClientBase, t: { schema: string; name: string }) => `${c.escapeIdentifier(t.schema)}.${c.escapeIdentifier(t.name)}`;
const columnList = (c: pg.ClientBase, columns: string[]) => columns.map((x) => c.escapeIdentifier(x)).join(', ');
export const tableName = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;

/** The application's tables (not the change log, not partitions, not an extension's), with their columns and key. */
export async function movedTables(client: pg.ClientBase): Promise<MovedTable[]> {
  const { rows } = await client.query<MovedTable>(
    `SELECT n.nspname AS schema, c.relname AS name,
            ARRAY(SELECT a.attname::text FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum) AS columns,
            ARRAY(SELECT a.attname::text FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                  WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.position) AS key
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence = 'p'
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1) AND n.nspname NOT LIKE 'pg\\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY 1, 2`,
    [CAPTURE_SCHEMA],
  );
  return rows;
}

/**
 * Installs the change log on the old copy: every insert, update and delete
 * records the row's key (both keys when an update changes it) in the same
 * transaction as the change; a truncate, or any change of a table without a
 * key, records the table alone. Safe to run again.
 *
 * Each table's trigger comes in a transaction of its own: one that held a
 * table's lock while waiting for another's would deadlock with a writer that
 * takes them the other way round. A trigger waits for the writes in flight on
 * its table, so every write committed after the last one is in the log.
 */
export async function installCapture(client: pg.ClientBase, tables: readonly MovedTable[]): Promise<void> {
  const s = client.escapeIdentifier(CAPTURE_SCHEMA);
  await client.query('BEGIN');
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.change (seq bigserial PRIMARY KEY, rel text NOT NULL, key jsonb)`);
    // SECURITY DEFINER: each module's login writes its own tables, and the log through this function only.
    await client.query(`
      CREATE OR REPLACE FUNCTION ${s}.capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        rel text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          INSERT INTO ${s}.change (rel, key) VALUES (rel, NULL);
          RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
          INSERT INTO ${s}.change (rel, key) SELECT rel, jsonb_object_agg(k, to_jsonb(OLD) -> k) FROM unnest(TG_ARGV) AS k;
        END IF;
        IF TG_OP <> 'DELETE' THEN
          INSERT INTO ${s}.change (rel, key) SELECT rel, jsonb_object_agg(k, to_jsonb(NEW) -> k) FROM unnest(TG_ARGV) AS k;
        END IF;
        RETURN NULL;
      END $$`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  for (const t of tables) {
    const table = id(client, t);
    const args = t.key.map((k) => client.escapeLiteral(k)).join(', ');
    const each = t.key.length > 0 ? 'ROW' : 'STATEMENT';
    await client.query(
      `CREATE OR REPLACE TRIGGER fluxo_move_rows AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ${each} EXECUTE FUNCTION ${s}.capture(${args})`,
    );
    await client.query(`CREATE OR REPLACE TRIGGER fluxo_move_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${s}.capture()`);
  }
}

/** Drops the triggers, a table at a time (as they came), then the change log. */
export async function removeCapture(client: pg.ClientBase, tables: readonly MovedTable[]): Promise<void> {
  for (const t of tables) {
    await client.query(`DROP TRIGGER IF EXISTS fluxo_move_rows ON ${id(client, t)}`);
    await client.query(`DROP TRIGGER IF EXISTS fluxo_move_truncate ON ${id(client, t)}`);
  }
  await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(CAPTURE_SCHEMA)} CASCADE`);
}

/**
 * The new copy's side of a round: one transaction in which triggers do not
 * fire (the audit log's append-only guard, foreign keys: the rows come from
 * one consistent snapshot of the old copy). Needs a login allowed to set
 * session_replication_role (a superuser, or one granted SET on it).
 */
async function beginApply(target: pg.ClientBase): Promise<void> {
  await target.query('BEGIN');
  await target.query('SET LOCAL session_replication_role = replica');
}

async function copyRows(source: pg.ClientBase, target: pg.ClientBase, t: MovedTable, where: string): Promise<number> {
  const columns = columnList(source, t.columns);
  const out = source.query(copyTo(`COPY (SELECT ${columns} FROM ${id(source, t)} t${where}) TO STDOUT`));
  const into = target.query(copyFrom(`COPY ${id(target, t)} (${columns}) FROM STDIN`));
  await pipeline(out, into);
  return into.rowCount ?? 0;
}

async function copySequences(source: pg.ClientBase, target: pg.ClientBase): Promise<void> {
  const { rows } = await source.query<{ schema: string; name: string; last: string | null }>(
    `SELECT schemaname AS schema, sequencename AS name, last_value::text AS last FROM pg_sequences
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema', $1) AND schemaname NOT LIKE 'pg\\_%'`,
    [CAPTURE_SCHEMA],
  );
  for (const s of rows) {
    if (s.last === null) await target.query(`ALTER SEQUENCE ${id(target, s)} RESTART`);
    else await target.query('SELECT setval($1::regclass, $2::bigint, true)', [id(target, s), s.last]);
  }
}

/**
 * Copies every table of the old copy into the new one (emptied first), all
 * from one snapshot, and forgets the changes that snapshot already holds.
 * The new copy commits first: if the old one then fails to forget, the next
 * round copies those rows again, which changes nothing.
 */
export async function bulkCopy(source: pg.Client, target: pg.Client, tables: readonly MovedTable[]): Promise<number> {
  let rows = 0;
  await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    await beginApply(target);
    try {
      // Migrations seed rows (the chart of accounts, the migration history): the old copy's take their place.
      for (const t of tables) await target.query(`DELETE FROM ${id(target, t)}`);
      for (const t of tables) rows += await copyRows(source, target, t, '');
      await copySequences(source, target);
      await target.query('COMMIT');
    } catch (error) {
      await target.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await source.query(`DELETE FROM ${source.escapeIdentifier(CAPTURE_SCHEMA)}.change`);
    await source.query('COMMIT');
  } catch (error) {
    await source.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return rows;
}

/**
 * Within the transactions the caller opened (the old copy's in REPEATABLE
 * READ, the new copy's by beginApply), brings every row the change log names
 * to its state in the old copy's snapshot: deleted on the new copy, then copied
 * again if it still exists. Returns the rows copied; the caller commits the new
 * copy, then deletes the log rows of the snapshot and commits the old.
 */
interface ChangedTable {
  rel: string;
  keys: Record<string, unknown>[] | null;
  whole: boolean;
}

async function applyChanges(source: pg.ClientBase, target: pg.ClientBase, tables: readonly MovedTable[]): Promise<{ copied: number; changed: ChangedTable[] }> {
  const log = `${source.escapeIdentifier(CAPTURE_SCHEMA)}.change`;
  const { rows: changed } = await source.query<ChangedTable>(
    `SELECT rel, jsonb_agg(DISTINCT key) FILTER (WHERE key IS NOT NULL) AS keys, bool_or(key IS NULL) AS whole FROM ${log} GROUP BY rel`,
  );
  let copied = 0;
  for (const change of changed) {
    const t = tables.find((x) => tableName(x) === change.rel);
    if (!t) continue;
    const table = id(target, t);
    if (change.whole || t.key.length === 0) {
      await target.query(`DELETE FROM ${table}`);
      copied += await copyRows(source, target, t, '');
      continue;
    }
    const match = keyMatch(target, t);
    await target.query(
      `DELETE FROM ${table} t USING (SELECT (jsonb_populate_record(NULL::${table}, e)).* FROM jsonb_array_elements($1::jsonb) e) k WHERE ${match('k')}`,
      [JSON.stringify(change.keys ?? [])],
    );
    copied += await copyRows(
      source,
      target,
      t,
      ` WHERE EXISTS (SELECT 1 FROM ${log} c CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, c.key) k
                     WHERE c.rel = ${source.escapeLiteral(change.rel)} AND ${match('k')})`,
    );
  }
  await copySequences(source, target);
  return { copied, changed };
}

const keyMatch = (c: pg.ClientBase, t: MovedTable) => (alias: string) =>
  t.key.map((k) => `t.${c.escapeIdentifier(k)} = ${alias}.${c.escapeIdentifier(k)}`).join(' AND ');

/**
 * One catch-up round while traffic runs: the changes committed so far, from
 * one snapshot. With `verify`, both copies must then hold the same rows, table
 * by table, as of that snapshot: the full check runs here, before the pause,
 * which then checks only the rows changed since and every table's count.
 */
export async function syncRound(
  source: pg.Client,
  target: pg.Client,
  tables: readonly MovedTable[],
  options: { verify?: boolean } = {},
): Promise<{ rows: number; changes: number }> {
  await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const changes = await pendingChanges(source);
    await beginApply(target);
    let rows: number;
    try {
      rows = (await applyChanges(source, target, tables)).copied;
      if (options.verify) assertSame(...(await Promise.all([tableDigests(source, tables), tableDigests(target, tables)])));
      await target.query('COMMIT');
    } catch (error) {
      await target.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await source.query(`DELETE FROM ${source.escapeIdentifier(CAPTURE_SCHEMA)}.change`);
    await source.query('COMMIT');
    return { rows, changes };
  } catch (error) {
    await source.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function pendingChanges(source: pg.ClientBase): Promise<number> {
  const { rows } = await source.query<{ n: string }>(`SELECT count(*) AS n FROM ${source.escapeIdentifier(CAPTURE_SCHEMA)}.change`);
  return Number(rows[0]!.n);
}

/** count(*) and the sum of each row's MD5 (its first 64 bits): no sort needed, so it costs one scan. */
function digestOf(c: pg.ClientBase, t: MovedTable, where = '', label = tableName(t)): string {
  const row = `ROW(${t.columns.map((x) => `t.${c.escapeIdentifier(x)}`).join(', ')})::text`;
  return `SELECT ${c.escapeLiteral(label)} AS name, count(*) AS n, sum(('x' || left(md5(${row}), 16))::bit(64)::bigint::numeric)::text AS digest FROM ${id(c, t)} t${where}`;
}

async function digests(client: pg.ClientBase, queries: string[], params: unknown[] = []): Promise<Record<string, string>> {
  if (queries.length === 0) return {};
  const { rows } = await client.query<{ name: string; n: string; digest: string | null }>(queries.join(' UNION ALL '), params);
  return Object.fromEntries(rows.map((r) => [r.name, `${r.n}:${r.digest ?? '0'}`]));
}

/** Row count and a digest of every row of each table. */
export function tableDigests(client: pg.ClientBase, tables: readonly MovedTable[]): Promise<Record<string, string>> {
  return digests(
    client,
    tables.map((t) => digestOf(client, t)),
  );
}

/**
 * The pause's check: every table's row count, and a digest of the rows the
 * last changes named (of the whole table when the change named no rows).
 */
async function pauseDigests(client: pg.ClientBase, tables: readonly MovedTable[], changed: readonly ChangedTable[]): Promise<Record<string, string>> {
  const counts = await digests(
    client,
    tables.map((t) => `SELECT ${client.escapeLiteral(tableName(t))} AS name, count(*) AS n, NULL AS digest FROM ${id(client, t)}`),
  );
  const queries: string[] = [];
  const params: unknown[] = [];
  for (const change of changed) {
    const t = tables.find((x) => tableName(x) === change.rel);
    if (!t) continue;
    if (change.whole || t.key.length === 0) {
      queries.push(digestOf(client, t, '', `${tableName(t)} (rows)`));
      continue;
    }
    params.push(JSON.stringify(change.keys ?? []));
    const table = id(client, t);
    queries.push(
      digestOf(
        client,
        t,
        ` WHERE EXISTS (SELECT 1 FROM (SELECT (jsonb_populate_record(NULL::${table}, e)).* FROM jsonb_array_elements($${params.length}::jsonb) e) k WHERE ${keyMatch(client, t)('k')})`,
        `${tableName(t)} (changed rows)`,
      ),
    );
  }
  return { ...counts, ...(await digests(client, queries, params)) };
}

function assertSame(before: Record<string, string>, after: Record<string, string>): void {
  const differ = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
  if (differ.length > 0) throw new CopiesDiffer(differ);
}

export interface FinalSync {
  rows: number;
  digests: Record<string, string>;
  /** Milliseconds each part of the pause took: close, sync, verify, switch. */
  millis: Record<'close' | 'sync' | 'verify' | 'switch', number>;
}

export class CopiesDiffer extends Error {
  constructor(readonly tables: string[]) {
    super(`the new copy differs from the old one after the final sync in ${tables.join(', ')}`);
  }
}

/**
 * The pause. `closeOld` leaves the old copy without sessions, and opening one
 * refused: a write in flight is rolled back (its client gets TENANT_MOVING and
 * retries), so nothing can change any more. Then the last changes are copied,
 * both copies must hold the same rows table by table, the new copy commits and
 * `switchOver` names it in the registry. When anything fails before the switch,
 * `reopenOld` and the old copy carries on as the live one.
 *
 * Closing sessions, rather than locking the tables for writers to wait on,
 * because a writer's transaction that holds one table and wants another that
 * the pause already locked deadlocks with it, and under a steady load one
 * always does.
 */
export async function finalSync(
  source: pg.Client,
  target: pg.Client,
  tables: readonly MovedTable[],
  steps: { closeOld: () => Promise<void>; switchOver: () => Promise<void>; reopenOld: () => Promise<void> },
): Promise<FinalSync> {
  let switched = false;
  let last = Date.now();
  const lap = () => {
    const now = Date.now();
    const took = now - last;
    last = now;
    return took;
  };
  try {
    await steps.closeOld();
    const close = lap();
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await beginApply(target);
    const { copied: rows, changed } = await applyChanges(source, target, tables);
    const synced = lap();
    const [before, after] = await Promise.all([pauseDigests(source, tables, changed), pauseDigests(target, tables, changed)]);
    assertSame(before, after);
    await target.query('COMMIT');
    const verify = lap();
    await steps.switchOver();
    switched = true;
    const millis = { close, sync: synced, verify, switch: lap() };
    // Nobody is left to write the old copy: its log is all copied.
    await source.query(`DELETE FROM ${source.escapeIdentifier(CAPTURE_SCHEMA)}.change`).catch(() => undefined);
    await source.query('COMMIT').catch(() => undefined);
    return { rows, digests: before, millis };
  } catch (error) {
    await target.query('ROLLBACK').catch(() => undefined);
    await source.query('ROLLBACK').catch(() => undefined);
    if (!switched) await steps.reopenOld().catch(() => undefined);
    throw error;
  }
}

import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ArchiveWriter, ARCHIVE_VERSION, feed, qualifiedName, readArchive, verifyArchive, type ArchiveHeader, type DatabaseKind } from './backup-archive';
import { intoNewDatabase } from './backup';
import { BackupError } from './backup-error';
import { createDatabase, databaseName } from './db';
import { migrateTenantSchemaTo, schemaOwner, tenantMigrationsFromDisk, type TenantSchemaOwner } from './migrations';

/**
 * Fluxo's built-in logical backup: the rows of every table, read with COPY in
 * one snapshot, and restored into tables that the same migrations create. It
 * needs nothing but a connection, so it works with any server major version,
 * the embedded PostgreSQL's included (docs/backups.md says why it exists).
 */

const applicationSchema = (column: string) => `${column} NOT IN ('pg_catalog', 'information_schema') AND ${column} NOT LIKE 'pg\\_%'`;

interface Relation {
  schema: string;
  name: string;
  kind: string;
  partition: boolean;
  extension: boolean;
  columns: string[];
  key: string[];
}

async function relations(client: pg.ClientBase): Promise<Relation[]> {
  const { rows } = await client.query<Relation>(`
    SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.relispartition AS partition,
           EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') AS extension,
           ARRAY(SELECT a.attname::text FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum) AS columns,
           ARRAY(SELECT a.attname::text FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                 WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.position) AS key
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm', 'f') AND c.relpersistence <> 't' AND ${applicationSchema('n.nspname')}
    ORDER BY 1, 2`);
  return rows;
}

/** Why a relation's rows stay out of the archive, or null when they go in. */
function exclusion(relation: Relation): string | null {
  if (relation.extension) return 'belongs to an extension, which its migration creates with its contents';
  if (relation.partition) return 'a partition: its rows are backed up through its partitioned table';
  if (relation.kind === 'm') return 'a materialized view: derived data, refresh it after a restore';
  if (relation.kind === 'f') return 'a foreign table: its rows live on another server';
  return null;
}

/** Tables ordered so that a table comes after those its foreign keys reference (cycles keep name order). */
async function dependencyOrder(client: pg.ClientBase, tables: Relation[]): Promise<Relation[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(`
    SELECT cn.nspname || '.' || cc.relname AS child, pn.nspname || '.' || pc.relname AS parent
    FROM pg_constraint k
    JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
    JOIN pg_class pc ON pc.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`);
  const parents = new Map<string, Set<string>>(tables.map((t) => [qualifiedName(t), new Set<string>()]));
  for (const { child, parent } of rows) if (parents.has(parent)) parents.get(child)?.add(parent);
  const ordered: Relation[] = [];
  const placed = new Set<string>();
  let rest = tables;
  while (rest.length > 0) {
    const ready = rest.filter((t) => [...parents.get(qualifiedName(t))!].every((p) => placed.has(p)));
    const next = ready.length > 0 ? ready : rest.slice(0, 1);
    for (const t of next) placed.add(qualifiedName(t));
    ordered.push(...next);
    rest = rest.filter((t) => !placed.has(qualifiedName(t)));
  }
  return ordered;
}

const quoted = (client: pg.ClientBase, t: { schema: string; name: string }) => `${client.escapeIdentifier(t.schema)}.${client.escapeIdentifier(t.name)}`;
const columnList = (client: pg.ClientBase, columns: string[]) => columns.map((c) => client.escapeIdentifier(c)).join(', ');

/** The archive's header, read inside the backup's snapshot. */
async function describe(client: pg.ClientBase, all: Relation[], kind: DatabaseKind, database: string): Promise<ArchiveHeader> {
  const excluded = all.flatMap((r) => {
    const reason = exclusion(r);
    return reason ? [{ relation: qualifiedName(r), reason }] : [];
  });
  const tables = await dependencyOrder(
    client,
    all.filter((r) => exclusion(r) === null),
  );
  const counts = new Map<string, number>();
  if (tables.length > 0) {
    const { rows } = await client.query<{ name: string; n: string }>(
      tables.map((t) => `SELECT ${client.escapeLiteral(qualifiedName(t))} AS name, count(*) AS n FROM ${quoted(client, t)}`).join(' UNION ALL '),
    );
    for (const row of rows) counts.set(row.name, Number(row.n));
  }
  const migrations: Record<string, string[]> = {};
  for (const t of tables.filter((t) => t.name === 'kysely_migration')) {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${quoted(client, t)} ORDER BY name`);
    migrations[t.schema] = rows.map((r) => r.name);
  }
  const { rows: sequences } = await client.query<{ schema: string; name: string; lastValue: string | null }>(
    `SELECT schemaname AS schema, sequencename AS name, last_value::text AS "lastValue" FROM pg_sequences WHERE ${applicationSchema('schemaname')} ORDER BY 1, 2`,
  );
  const { rows: version } = await client.query<{ v: string; n: string }>(
    `SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`,
  );
  return {
    format: 'fluxo-backup',
    version: ARCHIVE_VERSION,
    kind,
    database,
    serverVersion: version[0]!.v,
    serverMajor: Math.floor(Number(version[0]!.n) / 10_000),
    createdAt: new Date().toISOString(),
    migrations,
    tables: tables.map((t) => ({ schema: t.schema, name: t.name, columns: t.columns, rows: counts.get(qualifiedName(t)) ?? 0 })),
    sequences,
    excluded,
  };
}

async function connect(databaseUrl: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Writes every table of the database to `file`, all from one snapshot
 * (REPEATABLE READ, READ ONLY), rows in primary-key order. The archive is
 * written beside `file` and renamed at the end, so a failed backup leaves no
 * file that looks whole. Returns the header written.
 */
export async function backupDatabaseBuiltIn(databaseUrl: string, file: string, kind: DatabaseKind): Promise<ArchiveHeader> {
  const partial = `${file}.partial`;
  const client = await connect(databaseUrl, 'fluxo-backup');
  const writer = new ArchiveWriter(partial);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const all = await relations(client);
    const header = await describe(client, all, kind, databaseName(databaseUrl));
    const keys = new Map(all.map((r) => [qualifiedName(r), r.key]));
    await writer.header(header);
    for (const table of header.tables) {
      const key = keys.get(qualifiedName(table)) ?? [];
      const order = key.length > 0 ? ` ORDER BY ${columnList(client, key)}` : '';
      const copy = client.query(copyTo(`COPY (SELECT ${columnList(client, table.columns)} FROM ${quoted(client, table)}${order}) TO STDOUT`));
      await writer.table(table, copy);
    }
    await writer.finish();
    await client.query('COMMIT');
    fs.renameSync(partial, file);
    return header;
  } catch (error) {
    writer.abort();
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    await client.end();
  }
}

/** The tenant schema owners of an archive and the migration each must be brought to; refuses what this build cannot rebuild. */
async function migrationTargets(file: string, header: ArchiveHeader): Promise<Array<{ owner: TenantSchemaOwner; target: string }>> {
  if (header.kind !== 'tenant') throw new BackupError(`${file} is a backup of the ${header.kind}, not of a tenant database`);
  return Promise.all(
    Object.entries(header.migrations).map(async ([schema, names]) => {
      const owner = schemaOwner(schema);
      if (!owner) throw new BackupError(`${file} has migrations of schema "${schema}", which this build does not own`);
      const known = Object.keys(await tenantMigrationsFromDisk(owner).getMigrations()).sort();
      const unknown = names.find((name, i) => known[i] !== name);
      if (unknown !== undefined || names.length === 0)
        throw new BackupError(
          `${file} was written after migration ${unknown ?? '(none)'} of ${schema}, which this build does not have: restore it with the build that wrote it`,
        );
      return { owner, target: names.at(-1)! };
    }),
  );
}

/**
 * Restores a tenant archive into a new database `database` on the server:
 * the whole archive is checked first (a damaged one is refused before anything
 * is created), then the schemas are migrated up to exactly the archive's
 * migrations, and every table is emptied and loaded with COPY in one
 * transaction, with triggers not firing (the audit log's append-only guard,
 * foreign-key checks: the rows come from one consistent snapshot), then the
 * sequences are set. When anything fails the new database is dropped again.
 */
export async function restoreTenantBuiltIn(serverUrl: string, database: string, file: string): Promise<ArchiveHeader> {
  const header = await verifyArchive(file);
  const targets = await migrationTargets(file, header);
  await intoNewDatabase(serverUrl, database, async (url) => {
    const db = createDatabase<unknown>(url, { max: 1, applicationName: 'fluxo-restore' });
    try {
      for (const { owner, target } of targets) await migrateTenantSchemaTo(db, owner, target);
    } finally {
      await db.destroy();
    }
    await load(url, file, header);
  });
  return header;
}

async function load(url: string, file: string, header: ArchiveHeader): Promise<void> {
  const client = await connect(url, 'fluxo-restore');
  try {
    await client.query('BEGIN');
    const tables = (await relations(client)).filter((r) => exclusion(r) === null);
    const missing = header.tables.filter((t) => !tables.some((r) => qualifiedName(r) === qualifiedName(t)));
    const extra = tables.filter((r) => !header.tables.some((t) => qualifiedName(r) === qualifiedName(t)));
    if (missing.length + extra.length > 0)
      throw new BackupError(
        `the migrations of ${file} do not make the tables it holds (missing: ${missing.map(qualifiedName).join(', ') || 'none'}; not in the archive: ${extra.map(qualifiedName).join(', ') || 'none'})`,
      );
    const withoutTriggers = await triggersOff(client, header);
    // Migrations seed rows (the default chart of accounts, the migration history): the archive's take their place.
    await client.query(`TRUNCATE ${header.tables.map((t) => quoted(client, t)).join(', ')}`);
    await readArchive(file, async (table, data) => {
      const copy = client.query(copyFrom(`COPY ${quoted(client, table)} (${columnList(client, table.columns)}) FROM STDIN`));
      await feed(copy, data);
      copy.end();
      await finished(copy);
      if (copy.rowCount !== table.rows)
        throw new BackupError(`${qualifiedName(table)} took ${copy.rowCount} rows of ${file} where its header counts ${table.rows}`);
    });
    for (const s of header.sequences) {
      if (s.lastValue === null) await client.query(`ALTER SEQUENCE ${quoted(client, s)} RESTART`);
      else await client.query('SELECT setval($1::regclass, $2::bigint, true)', [quoted(client, s), s.lastValue]);
    }
    await withoutTriggers.restore();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Keeps triggers from firing during the load: session_replication_role=replica
 * where the login may set it (a superuser), else each table's own triggers are
 * disabled by its owner, which leaves foreign-key checks on; the tables load
 * parents first for them.
 */
async function triggersOff(client: pg.ClientBase, header: ArchiveHeader): Promise<{ restore: () => Promise<void> }> {
  await client.query('SAVEPOINT replica');
  try {
    await client.query('SET LOCAL session_replication_role = replica');
    return { restore: async () => undefined };
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT replica');
  }
  const alter = async (action: string) => {
    for (const t of header.tables) await client.query(`ALTER TABLE ${quoted(client, t)} ${action} TRIGGER USER`);
  };
  await alter('DISABLE');
  return { restore: () => alter('ENABLE') };
}

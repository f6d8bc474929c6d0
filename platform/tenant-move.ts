import { sql } from 'kysely';
import type pg from 'pg';
import type { ControlPlane, TenantMoveRow, TenantMoveState } from './control-plane';
import { createDatabase, quoteIdent, withDatabase } from './db';
import { dropDatabase, type ShardDirectory } from './shards';
import {
  bulkCopy,
  connect,
  finalSync,
  installCapture,
  movedTables,
  pendingChanges,
  removeCapture,
  syncRound,
  tableName,
  type MovedTable,
} from './tenant-move-copy';

/**
 * Moves a tenant database to another shard (docs/tenant-moves.md). Each step
 * is recorded in the control plane's `tenant_move` row before the next
 * begins, so running the move again after a failure resumes from the step it
 * reached, and `abortTenantMove` rolls back any step before the switch.
 *
 *   PLANNED    → the change log is installed on the old copy          → CAPTURING
 *   CAPTURING  → the new database is made, and the bulk copied         → COPIED
 *   COPIED     → catch-up rounds (the last compares both copies in full),
 *                then the pause: the old copy is closed (the company's
 *                requests answer TENANT_MOVING), the last changes copied and
 *                checked, the registry switched                       → SWITCHED
 *   SWITCHED   → `confirmTenantMove` drops the old copy               → CONFIRMED
 */

/** A move that cannot start or go on; the message says what to do. */
export class TenantMoveError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'UNKNOWN_SHARD' | 'SAME_SHARD' | 'SAME_SERVER' | 'NOT_ACTIVE' | 'ANOTHER_MOVE' | 'WRONG_STATE' | 'SCHEMAS_DIFFER',
  ) {
    super(message);
  }
}

export interface TenantMoveDeps {
  controlPlane: ControlPlane;
  /** The operator's logins to every shard: they create databases, install triggers and end sessions. */
  shards: ShardDirectory;
  /** Creates the tenant's database on a shard, its schemas at this build's latest migrations and its grants; safe to run again. */
  prepareTarget: (target: { shard: string; database: string; modules: readonly string[] }) => Promise<void>;
  progress?: (line: string) => void;
  /** Catch-up rounds go on while more changes than this are pending (at most `maxRounds`). Default 200. */
  pauseWhenPendingBelow?: number;
  maxRounds?: number;
  /** For tests of recovery: throws after the named step is recorded. */
  failAfter?: TenantMoveState;
}

export interface TenantToMove {
  tenantId: string;
  companyId: string;
  slug: string;
  database: string;
  shard: string;
  status: string;
  modules: string[];
}

export async function findTenantToMove(db: ControlPlane, slug: string): Promise<TenantToMove> {
  const row = await db
    .selectFrom('tenant')
    .innerJoin('company', 'company.id', 'tenant.company_id')
    .select(['tenant.id', 'tenant.company_id', 'company.slug', 'tenant.database_name', 'tenant.shard', 'tenant.status', 'company.modules'])
    .where('company.slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw new TenantMoveError(`no company with slug "${slug}" (see fluxo tenant list)`, 'NOT_FOUND');
  return {
    tenantId: row.id,
    companyId: row.company_id,
    slug: row.slug,
    database: row.database_name,
    shard: row.shard,
    status: row.status,
    modules: row.modules,
  };
}

export function openMove(db: ControlPlane, tenantId: string): Promise<TenantMoveRow | undefined> {
  return db.selectFrom('tenant_move').selectAll().where('tenant_id', '=', tenantId).where('state', 'not in', ['CONFIRMED', 'ABORTED']).executeTakeFirst();
}

export function latestMove(db: ControlPlane, tenantId: string): Promise<TenantMoveRow | undefined> {
  return db.selectFrom('tenant_move').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

const serverOf = (url: string) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
};

/** The open move of the tenant to `to`, or a new one; refuses what cannot be moved. */
export async function planTenantMove(deps: TenantMoveDeps, tenant: TenantToMove, to: string): Promise<TenantMoveRow> {
  const open = await openMove(deps.controlPlane, tenant.tenantId);
  if (open) {
    if (open.to_shard !== to)
      throw new TenantMoveError(
        `${tenant.slug} is already moving to shard "${open.to_shard}" (${open.state}): finish, confirm or abort that move first`,
        'ANOTHER_MOVE',
      );
    return open;
  }
  if (!deps.shards.names().includes(to))
    throw new TenantMoveError(`shard "${to}" is not configured (FLUXO_SHARDS names: ${deps.shards.names().join(', ')})`, 'UNKNOWN_SHARD');
  if (to === tenant.shard) throw new TenantMoveError(`${tenant.slug} already lives on shard "${to}"`, 'SAME_SHARD');
  if (serverOf(deps.shards.serverUrl(to)) === serverOf(deps.shards.serverUrl(tenant.shard)))
    throw new TenantMoveError(`shards "${tenant.shard}" and "${to}" are the same server: a move copies the database between servers`, 'SAME_SERVER');
  if (tenant.status !== 'ACTIVE') throw new TenantMoveError(`${tenant.slug} is ${tenant.status}: only an active tenant moves`, 'NOT_ACTIVE');
  return deps.controlPlane
    .insertInto('tenant_move')
    .values({ tenant_id: tenant.tenantId, company_id: tenant.companyId, database_name: tenant.database, from_shard: tenant.shard, to_shard: to })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function record(
  db: ControlPlane,
  move: TenantMoveRow,
  state: TenantMoveState,
  extra: { copied_rows?: number; synced_rows?: number; pause_millis?: number; verified?: string } = {},
): Promise<TenantMoveRow> {
  return db
    .updateTable('tenant_move')
    .set({
      state,
      steps: sql<string>`steps || jsonb_build_object(${state}::text, now())` as never,
      last_error: null,
      updated_at: new Date(),
      ...extra,
    })
    .where('id', '=', move.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function recordError(db: ControlPlane, move: TenantMoveRow, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await db.updateTable('tenant_move').set({ last_error: message, updated_at: new Date() }).where('id', '=', move.id).execute();
}

/** Opens and closes the old copy to sessions (a closed copy is kept, never written again). */
async function allowConnections(deps: TenantMoveDeps, shard: string, database: string, allow: boolean): Promise<void> {
  const admin = createDatabase<unknown>(withDatabase(deps.shards.serverUrl(shard), 'postgres'), { max: 1, applicationName: 'fluxo-tenant-move' });
  try {
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one FROM pg_database WHERE datname = ${database}`.execute(admin);
    if (rows.length === 0) return;
    await sql.raw(`ALTER DATABASE ${quoteIdent(database)} WITH ALLOW_CONNECTIONS ${allow}`).execute(admin);
  } finally {
    await admin.destroy();
  }
}

/** Ends every other session of the old copy (from one of its own) and waits until they are gone. */
async function endOtherSessions(source: pg.ClientBase): Promise<void> {
  await source.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  for (let waited = 0; waited < 5_000; waited += 20) {
    const { rows } = await source.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    if (Number(rows[0]!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('sessions of the old copy did not end within 5 s');
}

function sameShape(source: readonly MovedTable[], target: readonly MovedTable[]): string[] {
  const shape = (t: MovedTable) => `${tableName(t)}(${t.columns.join(',')})`;
  const a = new Set(source.map(shape));
  const b = new Set(target.map(shape));
  return [...[...a].filter((x) => !b.has(x)), ...[...b].filter((x) => !a.has(x))];
}

/**
 * Runs the move from the step it reached to SWITCHED. A failure is recorded on
 * the move (last_error) and thrown; running again resumes.
 */
export async function runTenantMove(deps: TenantMoveDeps, tenant: TenantToMove, initial: TenantMoveRow): Promise<TenantMoveRow> {
  let move = initial;
  const say = deps.progress ?? (() => undefined);
  const sourceUrl = deps.shards.databaseUrl(move.from_shard, move.database_name);
  const targetUrl = deps.shards.databaseUrl(move.to_shard, move.database_name);
  const step = async (state: TenantMoveState, extra?: Parameters<typeof record>[3]) => {
    move = await record(deps.controlPlane, move, state, extra);
    say(`${tenant.slug}: ${state}`);
    if (deps.failAfter === state) throw new Error(`stopped after ${state}, as asked`);
  };
  // Switched already: the old copy is closed for good, and there is nothing left to do but confirm.
  if (move.state === 'SWITCHED') return move;
  let source: pg.Client | null = null;
  let target: pg.Client | null = null;
  try {
    // A pause that failed after closing the old copy leaves it closed; it is the live copy until the switch.
    await allowConnections(deps, move.from_shard, move.database_name, true);
    source = await connect(sourceUrl, 'fluxo-tenant-move');
    const tables = await movedTables(source);
    if (move.state === 'PLANNED') {
      await installCapture(source, tables);
      await step('CAPTURING');
    }
    if (move.state === 'CAPTURING') {
      await deps.prepareTarget({ shard: move.to_shard, database: move.database_name, modules: tenant.modules });
      target = await connect(targetUrl, 'fluxo-tenant-move');
      const differ = sameShape(tables, await movedTables(target));
      if (differ.length > 0)
        throw new TenantMoveError(
          `the new database's tables differ from the old one's (${differ.slice(0, 5).join('; ')}): run fluxo tenant sync --company ${tenant.slug} first`,
          'SCHEMAS_DIFFER',
        );
      const started = Date.now();
      const rows = await bulkCopy(source, target, tables);
      say(`${tenant.slug}: copied ${rows} rows in ${Date.now() - started} ms`);
      await step('COPIED', { copied_rows: rows });
    }
    if (move.state === 'COPIED') {
      target ??= await connect(targetUrl, 'fluxo-tenant-move');
      const threshold = deps.pauseWhenPendingBelow ?? 200;
      let round = 1;
      for (; round < (deps.maxRounds ?? 10) && (await pendingChanges(source)) > threshold; round += 1) {
        const { rows, changes } = await syncRound(source, target, tables);
        say(`${tenant.slug}: catch-up round ${round}: ${changes} changes, ${rows} rows`);
      }
      // The last round before the pause compares both copies in full; the pause then checks what changed since.
      const checked = await syncRound(source, target, tables, { verify: true });
      say(`${tenant.slug}: catch-up round ${round}: ${checked.changes} changes, ${checked.rows} rows; both copies compared table by table`);
      const pauseStarted = Date.now();
      const final = await finalSync(source, target, tables, {
        closeOld: async () => {
          await allowConnections(deps, move.from_shard, move.database_name, false);
          await endOtherSessions(source!);
        },
        switchOver: async () => {
          move = await deps.controlPlane.transaction().execute(async (trx) => {
            // The tenant row's trigger notifies every gateway (company:<id>): cached keys are dropped, the next request names the new shard.
            await trx.updateTable('tenant').set({ shard: move.to_shard, updated_at: new Date() }).where('id', '=', move.tenant_id).execute();
            return trx
              .updateTable('tenant_move')
              .set({
                state: 'SWITCHED',
                steps: sql<string>`steps || jsonb_build_object('SWITCHED', now())` as never,
                last_error: null,
                updated_at: new Date(),
              })
              .where('id', '=', move.id)
              .returningAll()
              .executeTakeFirstOrThrow();
          });
        },
        reopenOld: () => allowConnections(deps, move.from_shard, move.database_name, true),
      });
      // From closing the old copy to the registry naming the new one: how long the company's requests were refused at most.
      const pauseMillis = Date.now() - pauseStarted;
      move = await deps.controlPlane
        .updateTable('tenant_move')
        .set({ pause_millis: pauseMillis, synced_rows: final.rows, verified: JSON.stringify(final.digests) })
        .where('id', '=', move.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      say(
        `${tenant.slug}: SWITCHED to ${move.to_shard}; writes paused ${move.pause_millis} ms (${final.rows} rows in the last sync; ${Object.entries(
          final.millis,
        )
          .map(([part, ms]) => `${part} ${ms} ms`)
          .join(', ')})`,
      );
    }
    return move;
  } catch (error) {
    await recordError(deps.controlPlane, move, error).catch(() => undefined);
    throw error;
  } finally {
    await source?.end().catch(() => undefined);
    await target?.end().catch(() => undefined);
  }
}

/** After the switch: drops the old copy for good. */
export async function confirmTenantMove(deps: TenantMoveDeps, move: TenantMoveRow): Promise<TenantMoveRow> {
  if (move.state !== 'SWITCHED') throw new TenantMoveError(`the move is ${move.state}: only a switched move is confirmed`, 'WRONG_STATE');
  await dropDatabase(deps.shards.serverUrl(move.from_shard), move.database_name);
  return record(deps.controlPlane, move, 'CONFIRMED');
}

/**
 * Before the switch: the old copy stays the live one, open and without the
 * change log, and the new copy is dropped. After it, a move back is a move of
 * its own (confirm first: the closed old copy holds the name).
 */
export async function abortTenantMove(deps: TenantMoveDeps, move: TenantMoveRow): Promise<TenantMoveRow> {
  if (move.state === 'SWITCHED')
    throw new TenantMoveError(
      `the registry already names shard "${move.to_shard}": confirm the move (drops the old copy), then move back with --to ${move.from_shard}`,
      'WRONG_STATE',
    );
  if (move.state === 'CONFIRMED' || move.state === 'ABORTED') throw new TenantMoveError(`the move is already ${move.state}`, 'WRONG_STATE');
  await allowConnections(deps, move.from_shard, move.database_name, true);
  const source = await connect(deps.shards.databaseUrl(move.from_shard, move.database_name), 'fluxo-tenant-move');
  try {
    await removeCapture(source, await movedTables(source));
  } finally {
    await source.end().catch(() => undefined);
  }
  await dropDatabase(deps.shards.serverUrl(move.to_shard), move.database_name);
  return record(deps.controlPlane, move, 'ABORTED');
}

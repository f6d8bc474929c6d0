/**
 * What the marks of writes cost a writer (migrations/tenant/data-changes.ts,
 * docs/response-cache.md): the same small transactions on a module table with
 * its change trigger on and off, in interleaved rounds.
 *
 *   npx tsx bench/data-change-marks.ts
 *
 * A scratch database on BENCH_SERVER gets the employees schema by its
 * migrations. Each round runs BENCH_TRANSACTIONS (2,000) transactions from
 * BENCH_CLIENTS (4) connections at once, each inserting one department and
 * renaming it (two statements, one mark), with `data_change_watch` enabled on
 * every table, then disabled; BENCH_ROUNDS (5) rounds. It prints transactions per second per
 * round and the medians. Commits do not wait for the disk unless BENCH_SYNC_COMMIT=on.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createDatabase, withDatabase } from '../platform/db';
import { migrateTenantSchema } from '../platform/migrations';
import { BENCH_SERVER, createBenchDatabase } from './scratch-database';

const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 2000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function writeLoad(db: Kysely<unknown>): Promise<number> {
  let left = TRANSACTIONS;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (left > 0) {
        left -= 1;
        await db.transaction().execute(async (trx) => {
          const id = randomUUID();
          await sql`INSERT INTO employees.department (id, name) VALUES (${id}::uuid, ${`Bench ${id}`})`.execute(trx);
          await sql`UPDATE employees.department SET name = name || '.' WHERE id = ${id}::uuid`.execute(trx);
        });
      }
    }),
  );
  return TRANSACTIONS / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('marks');
  // Without waiting for the disk at each commit (BENCH_SYNC_COMMIT=on waits): the flush's
  // variance would hide the server's own work, which is what the marks add to.
  const url = new URL(withDatabase(BENCH_SERVER, scratch.name));
  url.searchParams.set('options', `-c synchronous_commit=${process.env.BENCH_SYNC_COMMIT ?? 'off'}`);
  const db = createDatabase<unknown>(url.toString(), { max: CLIENTS });
  try {
    await migrateTenantSchema(db, 'EMPLOYEES');
    // Every watched table: the department count a tally trigger keeps is written too.
    const { rows: watched } = await sql<{ table: string }>`
      SELECT c.oid::regclass::text AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'data_change_watch'`.execute(db);
    const switchTo = async (on: boolean) => {
      for (const { table } of watched) await sql.raw(`ALTER TABLE ${table} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER data_change_watch`).execute(db);
    };
    await writeLoad(db);
    const rates = { on: [] as number[], off: [] as number[] };
    console.log(`| round | marks on tx/s | marks off tx/s |\n|---:|---:|---:|`);
    for (let round = 1; round <= ROUNDS; round += 1) {
      await switchTo(true);
      rates.on.push(await writeLoad(db));
      await switchTo(false);
      rates.off.push(await writeLoad(db));
      console.log(`| ${round} | ${rates.on.at(-1)!.toFixed(0)} | ${rates.off.at(-1)!.toFixed(0)} |`);
    }
    const [on, off] = [median(rates.on), median(rates.off)];
    // One mark per transaction with the trigger on (the warm-up's included), none with it off.
    const marks = (await sql<{ n: string }>`SELECT count(*) AS n FROM employees.data_change`.execute(db)).rows[0]!.n;
    if (Number(marks) !== TRANSACTIONS * (ROUNDS + 1)) throw new Error(`${marks} marks, expected ${TRANSACTIONS * (ROUNDS + 1)}`);
    const change = `${Math.abs((1 - on / off) * 100).toFixed(1)}% ${on <= off ? 'slower' : 'faster'}`;
    console.log(`\nmedian: ${on.toFixed(0)} tx/s with marks, ${off.toFixed(0)} without (${change} with them); ${marks} marks written`);
  } finally {
    await db.destroy();
    await scratch.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

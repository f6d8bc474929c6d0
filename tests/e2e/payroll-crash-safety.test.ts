import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { createCompany, type GatewayCompany } from '../support/company';
import { deliverEvents } from '../support/events';
import { approvedPayRun, hireWithContract, ledgerEntriesOfPayRun, mutateOk, payrollOperation } from '../support/payroll-fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { testRoleEnvironment } from '../support/db-roles';

// Crash safety of posting a pay run: the real worker process is killed with
// SIGKILL after postPayRun committed and while finance's consumer transaction
// is open; restarted, it books the journal entry, and exactly one.

const root = path.resolve(__dirname, '..', '..');
let t: TestStack;
let acme: GatewayCompany<'approver'>;
let payRunId: string;

interface Worker {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/**
 * `npx tsx worker/main.ts`, minus the npx and tsx wrappers: they report a
 * killed child as exit code 137, while node itself reports the signal.
 */
function startWorker(extraEnv: Record<string, string> = {}): Worker {
  const { FLUXO_WORKER_CRASH_AT: _inherited, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    DATABASE_URL: t.database.url,
    FLUXO_TENANT_DB_PREFIX: t.database.config.tenantDatabasePrefix,
    FLUXO_SHARDS: `default=${t.database.config.shards.default}`,
    FLUXO_WORKER_POLL_MS: '200',
    LOG_LEVEL: 'warn',
    // The worker as deployed: its own login, each consumer acting as its module's role.
    ...testRoleEnvironment(),
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

/** The worker's exit, or a failure (with its output) if it is still running at the deadline. */
async function exitOf(worker: Worker, deadlineMillis = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      worker.child.kill('SIGKILL');
      reject(new Error(`the worker did not exit in time; its output:\n${worker.output()}`));
    }, deadlineMillis);
  });
  try {
    return await Promise.race([worker.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `check` holds or the deadline passes; no fixed sleeps. */
async function eventually<T>(check: () => Promise<T | null>, what: string, deadlineMillis = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMillis;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function payRunPostedEvent() {
  return acme.tenantDb
    .selectFrom('payroll.outbox')
    .select(['id', 'status', 'payload'])
    .where('event_type', '=', 'PayRunPosted')
    .where('aggregate_id', '=', payRunId)
    .execute();
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Crash Test Payroll', modules: ['EMPLOYEES', 'FINANCE', 'PAYROLL'], keys: { approver: { modules: ['PAYROLL'] } } });
  await hireWithContract(acme, { firstName: 'Ana', lastName: 'Silva', email: 'ana@crash.example', hireDate: '2026-01-05', salary: '4200.00' });
  // Everything before the posting is delivered now, so the worker's first delivery is PayRunPosted to finance.
  expect(await deliverEvents(t.database.config, t.database.db, acme.slug)).toMatchObject({ failed: 0, dead: 0 });
  payRunId = await approvedPayRun(acme, acme.keys.approver, { periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-31' });
  await mutateOk(acme, payrollOperation('PostPayRun'), 'postPayRun', { input: { payRunId } });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

describe('posting a pay run survives a worker crash', () => {
  it('a worker killed before finance’s consumer commits leaves no entry and the event pending', async () => {
    const crashing = startWorker({ FLUXO_WORKER_CRASH_AT: 'before-consumer-commit' });
    const exit = await exitOf(crashing);
    if (exit.signal !== 'SIGKILL') throw new Error(`expected the worker to die by SIGKILL, it exited ${JSON.stringify(exit)}:\n${crashing.output()}`);
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });

    expect(await ledgerEntriesOfPayRun(acme.tenantDb, payRunId)).toEqual([]);
    const inbox = await sql<{ n: string }>`SELECT count(*) AS n FROM finance.inbox`.execute(acme.tenantDb);
    expect(Number(inbox.rows[0]!.n)).toBe(0);
    expect((await payRunPostedEvent()).map((e) => e.status)).toEqual(['PENDING']);
  });

  it('the restarted worker books exactly one entry, and payroll learns its id', async () => {
    const worker = startWorker();
    try {
      const entries = await eventually(async () => {
        const found = await ledgerEntriesOfPayRun(acme.tenantDb, payRunId);
        return found.length > 0 ? found : null;
      }, 'the journal entry of the pay run');
      const learnt = await eventually(async () => {
        const run = await acme.tenantDb.selectFrom('payroll.pay_run').select('journal_entry_id').where('id', '=', payRunId).executeTakeFirstOrThrow();
        return run.journal_entry_id;
      }, 'payroll to learn the entry id');
      expect(entries).toHaveLength(1);
      expect(learnt).toBe(entries[0]!.id);
    } finally {
      worker.child.kill('SIGTERM');
      await exitOf(worker);
    }
    expect(await ledgerEntriesOfPayRun(acme.tenantDb, payRunId)).toHaveLength(1);

    const res = await acme.gql<{ payRun: { journalEntry: { lines: Array<Record<'debit' | 'credit', string | null>> } } }>(payrollOperation('PayRun'), {
      id: payRunId,
    });
    expect(res.errors).toBeUndefined();
    const entry = res.data!.payRun.journalEntry;
    const sum = (side: 'debit' | 'credit') =>
      entry.lines.reduce((cents: bigint, l: Record<string, string | null>) => cents + BigInt((l[side] ?? '0.00').replace('.', '')), 0n);
    expect(sum('debit')).toBe(452685n); // 3658.06 + 868.79
    expect(sum('credit')).toBe(452685n);
  });

  it('delivering the same event twice, or a duplicate of it, still leaves one entry', async () => {
    const [event] = await payRunPostedEvent();
    expect(event!.status).toBe('DELIVERED');
    // The same event again (its delivery mark lost)...
    await acme.tenantDb.updateTable('payroll.outbox').set({ status: 'PENDING' }).where('id', '=', event!.id).execute();
    // ...and a second event with the same posting (a producer retried).
    await sql`
      INSERT INTO payroll.outbox (event_type, aggregate_type, aggregate_id, payload)
      VALUES ('PayRunPosted', 'PayRun', ${payRunId}, ${JSON.stringify(event!.payload)}::jsonb)`.execute(acme.tenantDb);
    const again = await deliverEvents(t.database.config, t.database.db, acme.slug);
    expect(again).toMatchObject({ failed: 0, dead: 0 });
    expect(again.delivered).toBeGreaterThanOrEqual(2);
    expect(await deliverEvents(t.database.config, t.database.db, acme.slug)).toMatchObject({ delivered: 0, failed: 0, dead: 0 });
    expect(await ledgerEntriesOfPayRun(acme.tenantDb, payRunId)).toHaveLength(1);
  });
});

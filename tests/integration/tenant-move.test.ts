import { sql, type Kysely } from 'kysely';
import { tenantMoveDeps } from '../../cli/commands/tenant';
import { createDatabase, withDatabase } from '../../platform/db';
import { ensureRoles } from '../../platform/db-roles';
import { abortTenantMove, confirmTenantMove, findTenantToMove, planTenantMove, runTenantMove, type TenantMoveDeps } from '../../platform/tenant-move';
import { CAPTURE_SCHEMA } from '../../platform/tenant-move-copy';
import { runFluxo } from '../support/cli';
import { createCompany, type GatewayCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testRoleEnvironment, testRolePasswords, testRolePrefix } from '../support/db-roles';
import { financeOperation, simpleEntry } from '../support/finance-fixtures';
import { startSecondServer, type SecondServer } from '../support/second-server';
import { startTestStack, type TestStack } from '../support/stack';

// Two real PostgreSQL servers: the test server (shard `default`) and an embedded PostgreSQL 17 on another port (shard `second`).
jest.setTimeout(240_000);

const postEntry = financeOperation('PostJournalEntry');
const postEntries = `mutation ($input: PostJournalEntriesInput!) { postJournalEntries(input: $input) { journalEntries { id } userErrors { code } } }`;

interface PostEntryResult {
  postJournalEntry: { journalEntry: { id: string } | null; userErrors: Array<{ code: string }> };
}

let second: SecondServer;
let database: TestDatabase;
let t: TestStack;
let deps: TenantMoveDeps;
const serverUrl = () => process.env.FLUXO_TEST_SERVER_URL!;
const cliEnv = () => ({ ...testRoleEnvironment(), FLUXO_SHARDS: `default=${serverUrl()},second=${second.url}` });

beforeAll(async () => {
  second = await startSecondServer();
  const admin = createDatabase<unknown>(second.url, { max: 1 });
  try {
    // The run's service logins, on the second server too: the stack reaches tenants there as it does on the first.
    await ensureRoles(admin, testRolePrefix(process.env.FLUXO_TEST_RUN_ID!), testRolePasswords(process.env.FLUXO_TEST_RUN_ID!));
  } finally {
    await admin.destroy();
  }
  const base = await createTestDatabase();
  database = { ...base, config: { ...base.config, shards: { ...base.config.shards, second: second.url } } };
  t = await startTestStack({ database });
  deps = tenantMoveDeps(database.config, database.db);
});

afterAll(async () => {
  await t?.stop();
  await database?.drop();
  await second?.stop();
});

async function onServer<T>(url: string, work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = createDatabase<unknown>(url, { max: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

const databaseExists = (server: string, name: string) =>
  onServer(withDatabase(server, 'postgres'), async (db) => {
    const { rows } = await sql<{ allow: boolean }>`SELECT datallowconn AS allow FROM pg_database WHERE datname = ${name}`.execute(db);
    return rows[0] ? { allowsConnections: rows[0].allow } : null;
  });

async function seedLedger(company: GatewayCompany, entries: number): Promise<void> {
  for (let done = 0; done < entries; done += 500) {
    const batch = Array.from({ length: Math.min(500, entries - done) }, (_, i) =>
      simpleEntry('2026-01-15', `${done + i + 1}.00`, { memo: `seed ${done + i}` }),
    );
    const res = await company.gql<{ postJournalEntries: { userErrors: unknown[] } }>(postEntries, { input: { entries: batch } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.postJournalEntries.userErrors).toEqual([]);
  }
}

/** Posts one entry whose memo and idempotency key are `key`, until the gateway acknowledges it; every refusal's code is kept. */
async function postUntilAcknowledged(company: GatewayCompany, key: string, refusals: string[], deadline: number): Promise<void> {
  for (;;) {
    const res = await company.gql<PostEntryResult>(postEntry, { input: { ...simpleEntry('2026-02-01', '10.00', { memo: key }), idempotencyKey: key } });
    const entry = res.data?.postJournalEntry?.journalEntry;
    if (entry && res.errors === undefined) return;
    refusals.push(...(res.errors ?? []).map((e) => String(e.extensions?.code)), ...(res.data?.postJournalEntry?.userErrors ?? []).map((e) => e.code));
    if (Date.now() > deadline) throw new Error(`${key} was not acknowledged in time (refusals: ${refusals.slice(-3).join(', ')})`);
  }
}

describe('fluxo tenant move between two PostgreSQL servers', () => {
  it('moves a company under a writing load: every acknowledged write exactly once on the new server, the pause measured', async () => {
    const company = await createCompany(t, { modules: ['FINANCE', 'EMPLOYEES'] });
    await seedLedger(company, 1500);

    // Writers post entries with unique keys through the gateway before, during and after the move.
    const acknowledged: string[] = [];
    const attempted = new Set<string>();
    const refusals: string[] = [];
    let moveDone = false;
    let afterMove = 0;
    const deadline = Date.now() + 180_000;
    const writer = async (w: number) => {
      for (let n = 0; !moveDone || afterMove < 40; n += 1) {
        const key = `load-${w}-${n}`;
        attempted.add(key);
        await postUntilAcknowledged(company, key, refusals, deadline);
        acknowledged.push(key);
        if (moveDone) afterMove += 1;
      }
    };
    const writers = Promise.all([0, 1, 2, 3].map(writer));
    // The move starts once writes are flowing.
    while (acknowledged.length < 20) {
      if (Date.now() > deadline) throw new Error('the writers did not get going');
      await new Promise((resolve) => setImmediate(resolve));
    }

    const moved = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--to', 'second'], cliEnv());
    moveDone = true;
    await writers;
    expect(moved.stderr).not.toMatch(/fluxo:/);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(new RegExp(`${company.slug}: move default → second SWITCHED`));

    const move = await database.db.selectFrom('tenant_move').selectAll().where('company_id', '=', company.companyId).executeTakeFirstOrThrow();
    expect(move.state).toBe('SWITCHED');
    expect(move.pause_millis).toBeGreaterThan(0);
    expect(move.pause_millis).toBeLessThan(5_000);
    expect(Object.keys(move.verified ?? {})).toEqual(expect.arrayContaining(['finance.journal_entry', 'finance.journal_line', 'employees.employee']));
    const tenant = await database.db.selectFrom('tenant').selectAll().where('company_id', '=', company.companyId).executeTakeFirstOrThrow();
    expect(tenant.shard).toBe('second');
    process.stdout.write(
      `\ntenant move under load: ${move.copied_rows} rows copied, ${move.synced_rows} rows in the final sync, writes paused ${move.pause_millis} ms; ` +
        `${acknowledged.length} writes acknowledged, ${refusals.length} refused and retried (${[...new Set(refusals)].join(', ') || 'none'})\n`,
    );

    // On the new server: each acknowledged key exactly once, nothing that was never asked for.
    const newCopy = withDatabase(second.url, tenant.database_name);
    const memos = await onServer(newCopy, async (db) => {
      const { rows } = await sql<{ memo: string; n: string }>`
        SELECT memo, count(*) AS n FROM finance.journal_entry WHERE memo LIKE 'load-%' GROUP BY memo`.execute(db);
      return new Map(rows.map((r) => [r.memo, Number(r.n)]));
    });
    expect([...memos.values()].filter((n) => n !== 1)).toEqual([]);
    expect(acknowledged.filter((k) => memos.get(k) !== 1)).toEqual([]);
    expect([...memos.keys()].filter((k) => !attempted.has(k))).toEqual([]);
    expect(memos.size).toBe(acknowledged.length);
    // Writes waited or were refused with the retryable code, nothing else.
    expect([...new Set(refusals)].filter((code) => code !== 'TENANT_MOVING')).toEqual([]);

    // Reads through the gateway come from the new copy.
    const listed = await company.gql<{ journalEntries: { totalCount: number } }>(`{ journalEntries(first: 1) { totalCount } }`);
    expect(listed.data?.journalEntries.totalCount).toBe(1500 + acknowledged.length);

    // The old copy is kept, closed, until the operator confirms.
    expect(await databaseExists(serverUrl(), tenant.database_name)).toEqual({ allowsConnections: false });
    const confirmed = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--confirm'], cliEnv());
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(/CONFIRMED/);
    expect(await databaseExists(serverUrl(), tenant.database_name)).toBeNull();
    const status = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--status'], cliEnv());
    expect(status.stdout).toMatch(
      new RegExp(`move default → second CONFIRMED, \\d+ rows copied, \\d+ rows in the final sync, writes paused ${move.pause_millis} ms`),
    );
  });

  it('resumes a move that failed after the bulk copy, with the writes made since', async () => {
    const company = await createCompany(t, { modules: ['FINANCE'] });
    await seedLedger(company, 200);
    const tenant = await findTenantToMove(database.db, company.slug);
    const planned = await planTenantMove(deps, tenant, 'second');
    await expect(runTenantMove({ ...deps, failAfter: 'COPIED' }, tenant, planned)).rejects.toThrow('stopped after COPIED');
    const failed = await database.db.selectFrom('tenant_move').selectAll().where('id', '=', planned.id).executeTakeFirstOrThrow();
    expect(failed.state).toBe('COPIED');
    expect(failed.last_error).toMatch(/stopped after COPIED/);

    // The old copy is still the live one: writes land there, and the resumed move carries them over.
    await postUntilAcknowledged(company, 'after-failure', [], Date.now() + 10_000);
    const resumed = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--to', 'second'], cliEnv());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/SWITCHED/);
    const rows = await onServer(withDatabase(second.url, tenant.database), async (db) => {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM finance.journal_entry`.execute(db);
      return Number(rows[0]!.n);
    });
    expect(rows).toBe(201);
    // Once switched, the same command has nothing left to do.
    const again = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--to', 'second'], cliEnv());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/move default → second SWITCHED/);
    const res = await company.gql<PostEntryResult>(postEntry, { input: simpleEntry('2026-02-02', '5.00', { memo: 'on the new server' }) });
    expect(res.data?.postJournalEntry.journalEntry).not.toBeNull();
  });

  it('rolls back a move that failed before the switch: the old copy stays live and clean, the new one is dropped', async () => {
    const company = await createCompany(t, { modules: ['FINANCE'] });
    await seedLedger(company, 50);
    const tenant = await findTenantToMove(database.db, company.slug);
    const planned = await planTenantMove(deps, tenant, 'second');
    await expect(runTenantMove({ ...deps, failAfter: 'CAPTURING' }, tenant, planned)).rejects.toThrow('stopped after CAPTURING');
    // Another move of the same company is refused while this one is open.
    await expect(planTenantMove({ ...deps }, tenant, 'default')).rejects.toMatchObject({ code: 'ANOTHER_MOVE' });

    const aborted = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--abort'], cliEnv());
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toMatch(/ABORTED/);
    expect(await databaseExists(second.url, tenant.database)).toBeNull();
    const capture = await onServer(withDatabase(serverUrl(), tenant.database), async (db) => {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_namespace WHERE nspname = ${CAPTURE_SCHEMA}`.execute(db);
      return Number(rows[0]!.n);
    });
    expect(capture).toBe(0);
    const registry = await database.db.selectFrom('tenant').select('shard').where('id', '=', tenant.tenantId).executeTakeFirstOrThrow();
    expect(registry.shard).toBe('default');
    const res = await company.gql<PostEntryResult>(postEntry, { input: simpleEntry('2026-02-02', '5.00') });
    expect(res.data?.postJournalEntry.journalEntry).not.toBeNull();
  });

  it('refuses an unknown shard, the shard a tenant is on, and confirming a move that is not switched', async () => {
    const company = await createCompany(database, { modules: ['FINANCE'] });
    const unknown = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--to', 'mars'], cliEnv());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/shard "mars" is not configured .*\(UNKNOWN_SHARD\)/);
    const same = await runFluxo(database, ['tenant', 'move', '--company', company.slug, '--to', 'default'], cliEnv());
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/already lives on shard "default" \(SAME_SHARD\)/);
    const tenant = await findTenantToMove(database.db, company.slug);
    const planned = await planTenantMove(deps, tenant, 'second');
    await expect(confirmTenantMove(deps, planned)).rejects.toMatchObject({ code: 'WRONG_STATE' });
    await expect(abortTenantMove(deps, planned)).resolves.toMatchObject({ state: 'ABORTED' });
  });
});

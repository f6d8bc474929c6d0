/**
 * Tenant move benchmark: a company of 10k employees and 100k journal lines is
 * moved from the local PostgreSQL to a second server (the embedded PostgreSQL
 * 17 of `npm start`, on a free port) while writers post journal entries through
 * the gateway; prints the bulk copy's time, the catch-up rounds, the pause, and
 * checks that every acknowledged write is on the new server exactly once.
 *
 *   npx tsx bench/tenant-move.ts
 *
 * Settings (environment): DATABASE_URL (the first server; a scratch control
 * plane and tenant database are created and dropped), BENCH_EMPLOYEES (default
 * 10000), BENCH_JOURNAL_LINES (default 100000), BENCH_WRITERS (default 4).
 */
import './production';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { tenantMoveDeps } from '../cli/commands/tenant';
import { startStack } from '../app/stack';
import { generateAdminToken } from '../platform/access-key-format';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase, withDatabase } from '../platform/db';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { freePort } from '../platform/listen';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { fullGrants } from '../platform/permissions';
import { ServiceRuntime } from '../platform/runtime';
import { ShardDirectory } from '../platform/shards';
import { generateContextKeyPair } from '../platform/tenant-context';
import { findTenantToMove, planTenantMove, runTenantMove } from '../platform/tenant-move';
import { inControlPlaneTransaction } from '../subgraphs/access/mutation';
import { approveSubscriptionRequest } from '../subgraphs/access/provisioning/approve-subscription';
import { requestSubscription } from '../subgraphs/access/services/subscription-requests';
import { accessDeps } from '../subgraphs/access/subgraph';
import { postJournalEntries, type JournalEntryInput } from '../subgraphs/finance/services/journal';
import type { FinanceDB } from '../subgraphs/finance/store/db';
import type { ModuleContext } from '../subgraphs/kit/module-context';
import { runModuleMutation } from '../subgraphs/kit/mutation';
import { seedListingData } from './listing-data';
import { BENCH_SERVER, createBenchDatabase } from './scratch-database';

const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 10_000);
const JOURNAL_LINES = Number(process.env.BENCH_JOURNAL_LINES ?? 100_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 4);
const logger = createLogger('bench', 'silent');
const POST_ONE = `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { journalEntry { id } userErrors { code } } }`;

/** Four-line entries (three debits, one credit) through the posting service, 500 at a time, until `lines` lines. */
async function fillLedger(db: Kysely<FinanceDB>, keyId: string, lines: number): Promise<void> {
  const ctx: ModuleContext<FinanceDB, undefined> = {
    requestId: 'bench-fill',
    caller: {
      requestId: 'bench-fill',
      kind: 'STANDARD',
      keyId,
      user: null,
      sessionId: null,
      clientAddress: null,
      tenant: null,
      modules: ['FINANCE'],
      grants: fullGrants(['FINANCE']),
    },
    logger,
    module: 'FINANCE',
    tenant: () => {
      throw new Error('not needed');
    },
    db: () => db,
    granted: true,
    loaders: undefined,
  };
  for (let posted = 0, serial = 0; posted < lines; serial += 1) {
    const entries: JournalEntryInput[] = Array.from({ length: 500 }, (_, i) => ({
      date: new Date(Date.UTC(2026, 0, 1 + ((serial + i) % 365))).toISOString().slice(0, 10),
      memo: `fill ${serial}/${i}`,
      lines: [
        { accountCode: '1000', debit: '10.00' },
        { accountCode: '6000', debit: '20.00' },
        { accountCode: '6100', debit: '30.00' },
        { accountCode: '4000', credit: '60.00' },
      ],
    }));
    const result = await runModuleMutation(ctx, 'postJournalEntries', (trx, record) => postJournalEntries(trx, { entries }, record));
    if (result.userErrors.length > 0) throw new Error(JSON.stringify(result.userErrors));
    posted += 2000;
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-bench-second-'));
  fs.chmodSync(dir, 0o777);
  const second = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await freePort(), portVariable: 'the bench', persistent: false });
  const scratch = await createBenchDatabase('move', { FLUXO_SHARDS: `default=${BENCH_SERVER},second=${second.url}` });
  const { config } = scratch;
  const controlPlane = createDatabase<ControlPlaneDB>(config.databaseUrl, { max: 3 });
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  try {
    await migrateGlobal(controlPlane);
    const runtime = new ServiceRuntime(config, logger);
    const operator = { kind: 'ADMIN', id: null, requestId: 'bench' } as const;
    const deps = accessDeps(runtime);
    const { request } = await inControlPlaneTransaction(deps.controlPlane, operator, 'requestSubscription', (trx, a) =>
      requestSubscription(
        trx,
        { companyName: 'Move Bench', contactEmail: 'bench@example.com', modules: ['EMPLOYEES', 'ASSETS', 'FINANCE'], planCode: null },
        a,
      ),
    );
    const approved = await approveSubscriptionRequest(deps, request.id, operator);
    await runtime.close();
    const tenant = await findTenantToMove(controlPlane, approved.company.slug);
    const tenantDb = createDatabase<unknown>(new ShardDirectory(config.shards).databaseUrl(tenant.shard, tenant.database), { max: 4 });
    let started = performance.now();
    await seedListingData(tenantDb, { employees: EMPLOYEES, assets: 0 });
    await fillLedger(tenantDb as Kysely<FinanceDB>, approved.accessKey.id, JOURNAL_LINES);
    const { rows: size } = await sql<{ employees: string; lines: string; bytes: string }>`
      SELECT (SELECT count(*) FROM employees.employee) AS employees, (SELECT count(*) FROM finance.journal_line) AS lines,
             pg_database_size(current_database()) AS bytes`.execute(tenantDb);
    await tenantDb.destroy();
    console.log(
      `tenant: ${size[0]!.employees} employees, ${size[0]!.lines} journal lines, ${Math.round(Number(size[0]!.bytes) / 1024 / 1024)} MiB (filled in ${Math.round(performance.now() - started)} ms)`,
    );

    process.env.APOLLO_TELEMETRY_DISABLED = '1';
    stack = await startStack({
      config,
      logger,
      keys: generateContextKeyPair(),
      adminToken: generateAdminToken(),
      gatewayPort: 0,
      subgraphPort: () => 0,
      sandbox: false,
    });
    const gateway = stack.gateway.url;
    const acknowledged: string[] = [];
    let refused = 0;
    let moving = true;
    const post = async (key: string) => {
      for (;;) {
        const res = await fetch(gateway, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${approved.secret}` },
          body: JSON.stringify({
            query: POST_ONE,
            variables: {
              input: {
                date: '2026-03-01',
                memo: key,
                idempotencyKey: key,
                lines: [
                  { accountCode: '1000', debit: '1.00' },
                  { accountCode: '4000', credit: '1.00' },
                ],
              },
            },
          }),
        });
        const body = (await res.json()) as { data?: { postJournalEntry: { journalEntry: { id: string } | null } }; errors?: unknown[] };
        if (!body.errors && body.data?.postJournalEntry.journalEntry) return;
        refused += 1;
      }
    };
    const writers = Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let n = 0; moving; n += 1) {
          await post(`bench-${w}-${n}`);
          acknowledged.push(`bench-${w}-${n}`);
        }
      }),
    );

    started = performance.now();
    const moveDeps = tenantMoveDeps(config, controlPlane, (line) => console.log(`  ${Math.round(performance.now() - started)} ms  ${line}`));
    const planned = await planTenantMove(moveDeps, tenant, 'second');
    const moved = await runTenantMove(moveDeps, tenant, planned);
    const total = Math.round(performance.now() - started);
    // A few more writes after the switch, on the new server.
    const before = acknowledged.length;
    while (acknowledged.length < before + 20) await new Promise((resolve) => setTimeout(resolve, 20));
    moving = false;
    await writers;

    const newCopy = createDatabase<unknown>(withDatabase(second.url, tenant.database), { max: 1 });
    const { rows: found } = await sql<{ memo: string; n: string }>`
      SELECT memo, count(*) AS n FROM finance.journal_entry WHERE memo LIKE 'bench-%' GROUP BY memo`.execute(newCopy);
    await newCopy.destroy();
    const counts = new Map(found.map((r) => [r.memo, Number(r.n)]));
    const missing = acknowledged.filter((k) => counts.get(k) !== 1).length;
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    console.log(
      `move: ${moved.copied_rows} rows copied, ${moved.synced_rows} rows in the final sync, writes paused ${moved.pause_millis} ms, whole move ${total} ms`,
    );
    console.log(
      `load: ${WRITERS} writers, ${acknowledged.length} entries acknowledged, ${refused} refusals retried; on the new server: ${missing} missing, ${duplicated} duplicated`,
    );
    if (missing > 0 || duplicated > 0) process.exitCode = 1;
  } finally {
    await stack?.stop();
    await controlPlane.destroy();
    await scratch.drop();
    await second.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

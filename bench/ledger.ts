import { fullGrants } from '../platform/permissions';
/**
 * Ledger benchmark: posting throughput of postJournalEntries (through the
 * gateway over HTTP, and straight through the posting service in one process),
 * then balance and trial-balance read times once the journal holds a million
 * lines. Every invariant is on: triggers, constraints, audit and outbox rows.
 *
 *   npx tsx bench/ledger.ts
 *
 * Settings (environment): DATABASE_URL (a PostgreSQL server; a scratch control
 * plane and tenant database are created and dropped), BENCH_TOTAL_LINES
 * (default 1000000), BENCH_BATCH_ENTRIES (default 500).
 */
import './production';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { generateAdminToken } from '../platform/access-key-format';
import { createBenchDatabase } from './scratch-database';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { ShardDirectory } from '../platform/shards';
import { startStack } from '../app/stack';
import { generateContextKeyPair } from '../platform/tenant-context';
import type { ModuleContext } from '../subgraphs/kit/module-context';
import { runModuleMutation } from '../subgraphs/kit/mutation';
import { accessDeps } from '../subgraphs/access/subgraph';
import { approveSubscriptionRequest } from '../subgraphs/access/provisioning/approve-subscription';
import { inControlPlaneTransaction } from '../subgraphs/access/mutation';
import { requestSubscription } from '../subgraphs/access/services/subscription-requests';
import { ServiceRuntime } from '../platform/runtime';
import { postJournalEntries, type JournalEntryInput } from '../subgraphs/finance/services/journal';
import type { FinanceDB } from '../subgraphs/finance/store/db';
import type { ControlPlaneDB } from '../platform/control-plane';

const TOTAL_LINES = Number(process.env.BENCH_TOTAL_LINES ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH_ENTRIES ?? 500);
const logger = createLogger('bench', 'silent');

const ACCOUNTS = { debit: ['1000', '1100', '6000', '6100', '6500'], credit: ['4000', '2000', '2100', '2200', '2300'] };

/** Day `n` of 2026 (wrapping), as YYYY-MM-DD. */
function dayOf2026(n: number): string {
  return new Date(Date.UTC(2026, 0, 1 + (n % 365))).toISOString().slice(0, 10);
}

/**
 * A batch as a partner import would send it: a week of entries of
 * `linesPerEntry` lines (or a 2–6 mix when null), debits spread over a few
 * accounts and one credit line carrying the total; successive batches walk
 * through the year. Amounts are built from integer cents.
 */
function batch(serial: number, linesPerEntry: number | null): { entries: JournalEntryInput[]; lines: number } {
  let lines = 0;
  const entries = Array.from({ length: BATCH }, (_, i) => {
    const day = dayOf2026(serial + (i % 7));
    const n = linesPerEntry ?? 2 + ((serial + i) % 5);
    const cents = Array.from({ length: n - 1 }, (_, k) => 100 + ((serial * 7 + i * 13 + k * 31) % 99_900));
    const total = cents.reduce((a, b) => a + b, 0);
    const amount = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    lines += n;
    return {
      date: day,
      memo: `import ${serial}/${i}`,
      reference: `imp-${serial}-${i}`,
      lines: [
        ...cents.map((c, k) => ({ accountCode: ACCOUNTS.debit[(i + k) % 5]!, debit: amount(c) })),
        { accountCode: ACCOUNTS.credit[i % 5]!, credit: amount(total) },
      ],
    };
  });
  return { entries, lines };
}

const MUTATION = `mutation($input: PostJournalEntriesInput!) { postJournalEntries(input: $input) { journalEntries { id } userErrors { code field } } }`;

async function overHttp(url: string, token: string, input: object): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: MUTATION, variables: { input } }),
  });
  const body = (await res.json()) as { data?: { postJournalEntries: { userErrors: unknown[] } }; errors?: unknown[] };
  if (body.errors || !body.data || body.data.postJournalEntries.userErrors.length > 0) throw new Error(`posting failed: ${JSON.stringify(body).slice(0, 500)}`);
}

/** Runs `work` on `clients` parallel streams until `lines` lines are posted; returns lines per second. */
async function measure(
  label: string,
  lines: number,
  clients: number,
  linesPerEntry: number | null,
  post: (entries: JournalEntryInput[]) => Promise<void>,
): Promise<{ label: string; lines: number; seconds: number; rate: number }> {
  let posted = 0;
  let serial = Math.floor(Math.random() * 365);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (posted < lines) {
        const b = batch((serial += 1), linesPerEntry);
        posted += b.lines;
        await post(b.entries);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const result = { label, lines: posted, seconds: Math.round(seconds * 100) / 100, rate: Math.round(posted / seconds) };
  console.log(`${label}: ${result.lines} lines in ${result.seconds}s = ${result.rate} lines/s`);
  return result;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeIt(label: string, runs: number, work: () => Promise<unknown>): Promise<{ label: string; p50: number; p95: number }> {
  await work(); // warm caches and plans
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const result = { label, p50: Math.round(percentile(times, 50) * 100) / 100, p95: Math.round(percentile(times, 95) * 100) / 100 };
  console.log(`${label}: p50 ${result.p50} ms, p95 ${result.p95} ms`);
  return result;
}

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('ledger');
  const { config } = scratch;
  const controlPlane = createDatabase<ControlPlaneDB>(config.databaseUrl, { max: 2 });
  let tenantDb: Kysely<FinanceDB> | undefined;
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  try {
    await migrateGlobal(controlPlane);
    const runtime = new ServiceRuntime(config, logger);
    const operator = { kind: 'ADMIN', id: null, requestId: 'bench' };
    const deps = accessDeps(runtime);
    const { request } = await inControlPlaneTransaction(deps.controlPlane, operator, 'requestSubscription', (trx, a) =>
      requestSubscription(trx, { companyName: 'Ledger Bench', contactEmail: 'bench@example.com', modules: ['FINANCE'], planCode: null }, a),
    );
    const approved = await approveSubscriptionRequest(deps, request.id, operator);
    await runtime.close();
    const tenant = await controlPlane.selectFrom('tenant').selectAll().where('company_id', '=', approved.company.id).executeTakeFirstOrThrow();
    tenantDb = createDatabase<FinanceDB>(new ShardDirectory(config.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 4 });

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
    const results = [];
    const http = (entries: JournalEntryInput[]) => overHttp(gateway, approved.secret, { entries });
    results.push(await measure('gateway HTTP, 1 client, 2–6 lines/entry', 100_000, 1, null, http));
    results.push(await measure('gateway HTTP, 2 clients, 2–6 lines/entry', 100_000, 2, null, http));
    results.push(await measure('gateway HTTP, 2 clients, 2 lines/entry', 100_000, 2, 2, http));

    const db = tenantDb;
    const ctx: ModuleContext<FinanceDB, undefined> = {
      requestId: 'bench-direct',
      caller: {
        requestId: 'bench-direct',
        kind: 'STANDARD',
        keyId: approved.accessKey.id,
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
    const direct = async (entries: JournalEntryInput[]) => {
      const result = await runModuleMutation(ctx, 'postJournalEntries', (trx, record) => postJournalEntries(trx, { entries }, record));
      if (result.userErrors.length > 0) throw new Error(JSON.stringify(result.userErrors));
    };
    results.push(await measure('posting service in-process, 1 client, 2–6 lines/entry', 100_000, 1, null, direct));
    results.push(await measure('posting service in-process, 1 client, 2 lines/entry', 100_000, 1, 2, direct));

    const { rows: counted } = await sql<{ n: string }>`SELECT count(*) AS n FROM finance.journal_line`.execute(db);
    const remaining = TOTAL_LINES - Number(counted[0]!.n);
    if (remaining > 0) results.push(await measure(`fill to ${TOTAL_LINES} lines (gateway HTTP, 2 clients)`, remaining, 2, null, http));
    await sql`VACUUM ANALYZE finance.journal_line`.execute(db);
    await sql`VACUUM ANALYZE finance.account_daily_balance`.execute(db);

    const { rows: size } = await sql<{ lines: string; days: string; cash: string }>`
      SELECT (SELECT count(*) FROM finance.journal_line) AS lines, (SELECT count(*) FROM finance.account_daily_balance) AS days,
             (SELECT count(*) FROM finance.journal_line l JOIN finance.account a ON a.id = l.account_id WHERE a.code = '1000') AS cash`.execute(db);
    console.log(`journal: ${size[0]!.lines} lines, ${size[0]!.days} daily balance rows, ${size[0]!.cash} lines on account 1000`);

    const gql = (query: string, variables: object) =>
      fetch(gateway, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${approved.secret}` },
        body: JSON.stringify({ query, variables }),
      }).then(async (r) => {
        const body = (await r.json()) as { errors?: unknown };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return body;
      });
    const reads = [
      await timeIt('Account.balance(asOf) via gateway', 100, () =>
        gql(`query($asOf: Date) { account(code: "1000") { balance(asOf: $asOf) { amount } } }`, { asOf: '2026-06-30' }),
      ),
      await timeIt('accounts(first: 100) with balance via gateway', 50, () =>
        gql(`{ accounts(first: 100) { edges { node { code balance(asOf: "2026-09-30") { amount } } } } }`, {}),
      ),
      await timeIt('trialBalance(asOf) via gateway', 50, () =>
        gql(`query($asOf: Date) { trialBalance(asOf: $asOf) { totalDebit totalCredit rows { account { code } debit credit } } }`, { asOf: '2026-12-31' }),
      ),
      await timeIt('SQL: balance from daily balances', 100, () =>
        sql`SELECT sum(debit_total), sum(credit_total) FROM finance.account_daily_balance b JOIN finance.account a ON a.id = b.account_id WHERE a.code = '1000' AND b.day <= '2026-06-30'`.execute(
          db,
        ),
      ),
      await timeIt('SQL (for comparison): balance summed from lines via (account_id, entry_date)', 20, () =>
        sql`SELECT sum(debit), sum(credit) FROM finance.journal_line l JOIN finance.account a ON a.id = l.account_id WHERE a.code = '1000' AND l.entry_date <= '2026-06-30'`.execute(
          db,
        ),
      ),
    ];

    console.log('\n| measurement | lines | seconds | lines/s |\n|---|---:|---:|---:|');
    for (const r of results) console.log(`| ${r.label} | ${r.lines} | ${r.seconds} | ${r.rate} |`);
    console.log('\n| read at ' + size[0]!.lines + ' lines | p50 ms | p95 ms |\n|---|---:|---:|');
    for (const r of reads) console.log(`| ${r.label} | ${r.p50} | ${r.p95} |`);
    console.log(
      `\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const { rows: version } = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db);
    console.log(`PostgreSQL ${version[0]!.v}`);
  } finally {
    await stack?.stop();
    await tenantDb?.destroy();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

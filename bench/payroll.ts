/**
 * Payroll at scale: calculate and post a pay run for 10,000 employees through
 * the gateway over HTTP. The projection is seeded straight into payroll's own
 * tables (as if the employees' events had been delivered), so the figures are
 * payroll's and not the employees module's.
 *
 *   npx tsx bench/payroll.ts            (PostgreSQL at DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432)
 *   BENCH_EMPLOYEES=20000 npx tsx bench/payroll.ts
 *
 * Creates its own control-plane and tenant databases and drops them at the end.
 */
import './production';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import { generateAdminToken } from '../platform/access-key-format';
import { createBenchDatabase } from './scratch-database';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { ShardDirectory } from '../platform/shards';
import { startStack } from '../app/stack';
import { generateContextKeyPair } from '../platform/tenant-context';
import { loadConsumers } from '../platform/subgraphs';
import { drainTenant } from '../worker/relay';
import { issueKey, post, subscribeCompany } from './gateway';

const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 10_000);
process.env.APOLLO_TELEMETRY_DISABLED = '1';

interface UserError {
  code: string;
  message: string;
}

interface CalculatedRun {
  payRun: { payslipCount: number; totals: { gross: { amount: string }; net: { amount: string }; employerCost: { amount: string } } };
  userErrors: UserError[];
}

async function timed<T>(label: string, results: Array<[string, number]>, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const value = await work();
  results.push([label, Number(process.hrtime.bigint() - started) / 1e6]);
  return value;
}

/**
 * 10,000 people on monthly contracts, salaries 2,000–6,900: 10% hired in the
 * month, 5% terminated in it, 5% with a salary change on the 16th (two contracts).
 */
async function seedProjection(db: Kysely<unknown>, employees: number): Promise<void> {
  await sql`
    INSERT INTO payroll.employee_projection (employee_id, employee_number, full_name, email, hire_date, status, status_since, termination_date, profile_as_of, status_as_of)
    SELECT gen_random_uuid(), 'EMP-' || lpad(i::text, 6, '0'), 'Employee ' || i, 'employee' || i || '@bench.example',
           CASE WHEN i % 10 = 0 THEN date '2026-01-01' + (i % 28) ELSE date '2024-01-01' END,
           CASE WHEN i % 20 = 1 THEN 'TERMINATED' ELSE 'ACTIVE' END,
           date '2024-01-01',
           CASE WHEN i % 20 = 1 THEN date '2026-01-01' + (i % 30) END,
           now(), now()
    FROM generate_series(1, ${employees}) AS i`.execute(db);
  await sql`
    INSERT INTO payroll.contract_projection (contract_id, employee_id, type, start_date, end_date, pay_frequency, base_salary, currency, terms_as_of, ended_on, ended_as_of)
    SELECT gen_random_uuid(), employee_id, 'PERMANENT', hire_date, NULL, 'MONTHLY', 2000 + (n % 50) * 100 + 0.50, 'EUR', now(),
           CASE WHEN n % 20 = 2 THEN date '2026-01-15' END, CASE WHEN n % 20 = 2 THEN now() END
    FROM (SELECT employee_id, hire_date, substr(employee_number, 5)::int AS n FROM payroll.employee_projection) e`.execute(db);
  await sql`
    INSERT INTO payroll.contract_projection (contract_id, employee_id, type, start_date, end_date, pay_frequency, base_salary, currency, terms_as_of)
    SELECT gen_random_uuid(), employee_id, 'PERMANENT', date '2026-01-16', NULL, 'MONTHLY', 2300 + (substr(employee_number, 5)::int % 50) * 100, 'EUR', now()
    FROM payroll.employee_projection WHERE substr(employee_number, 5)::int % 20 = 2`.execute(db);
  await sql`ANALYZE payroll.employee_projection`.execute(db);
  await sql`ANALYZE payroll.contract_projection`.execute(db);
}

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('payroll');
  const { config } = scratch;
  const controlPlane = createDatabase<ControlPlaneDB>(config.databaseUrl, { max: 2 });
  const adminToken = generateAdminToken();
  let stop: (() => Promise<void>) | undefined;
  let tenantDb: Kysely<unknown> | undefined;
  try {
    await migrateGlobal(controlPlane);
    const stack = await startStack({
      config,
      logger: createLogger('bench', 'silent'),
      keys: generateContextKeyPair(),
      adminToken,
      gatewayPort: 0,
      subgraphPort: () => 0,
      sandbox: false,
    });
    stop = stack.stop;
    const gateway = stack.gateway.url;
    const { companyId, slug, key } = await subscribeCompany(gateway, adminToken, 'Bench Payroll', ['FINANCE', 'PAYROLL']);
    // Whoever calculated a run may not approve it (separation of duties): a second key approves, as a second person would.
    const approverKey = await issueKey(gateway, adminToken, companyId, ['PAYROLL'], 'Bench approver');
    const tenant = await controlPlane.selectFrom('tenant').selectAll().where('company_id', '=', companyId).executeTakeFirstOrThrow();
    tenantDb = createDatabase<unknown>(new ShardDirectory(config.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 2 });
    await seedProjection(tenantDb, EMPLOYEES);

    const results: Array<[string, number]> = [];
    const run = `payRun { id status payslipCount totals { gross { amount } net { amount } employerCost { amount } } } userErrors { code message }`;
    const created = await post<{ createPayRun: { payRun: { id: string } } }>(
      gateway,
      `mutation($input: CreatePayRunInput!) { createPayRun(input: $input) { payRun { id } userErrors { code } } }`,
      { input: { periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-31' } },
      key,
    );
    const input = { payRunId: created.createPayRun.payRun.id };
    const calculated = await timed('calculatePayRun (first calculation)', results, () =>
      post<{ calculatePayRun: CalculatedRun }>(
        gateway,
        `mutation($input: CalculatePayRunInput!) { calculatePayRun(input: $input) { ${run} } }`,
        { input },
        key,
      ),
    );
    await timed('calculatePayRun again (replaces the payslips)', results, () =>
      post(gateway, `mutation($input: CalculatePayRunInput!) { calculatePayRun(input: $input) { ${run} } }`, { input }, key),
    );
    await timed('approvePayRun', results, () =>
      post(gateway, `mutation($input: ApprovePayRunInput!) { approvePayRun(input: $input) { payRun { status } } }`, { input }, approverKey),
    );
    const posted = await timed('postPayRun', results, () =>
      post<{ postPayRun: { userErrors: UserError[] } }>(
        gateway,
        `mutation($input: PostPayRunInput!) { postPayRun(input: $input) { payRun { status } userErrors { code message } } }`,
        { input },
        key,
      ),
    );
    await timed("finance's consumer books the entry (relay, one pass)", results, () =>
      drainTenant(tenantDb!, ['FINANCE', 'PAYROLL'], loadConsumers(), createLogger('bench', 'silent')),
    );
    await timed('read all payslips with their lines through the gateway', results, () =>
      post(
        gateway,
        `query($id: ID!) { payRun(id: $id) { payslips { id gross { amount } net { amount } lines { kind code amount { amount } } } } }`,
        { id: input.payRunId },
        key,
      ),
    );
    const entry = await post<{ payRun: { journalEntry: { number: string; lines: unknown[] } | null } }>(
      gateway,
      `query($id: ID!) { payRun(id: $id) { journalEntry { number lines { account { code } debit credit } } } }`,
      { id: input.payRunId },
      key,
    );

    const c = calculated.calculatePayRun;
    if (c.userErrors.length > 0 || posted.postPayRun.userErrors.length > 0)
      throw new Error(`refused: ${JSON.stringify([c.userErrors, posted.postPayRun.userErrors])}`);
    const calculateAndPost = results[0]![1] + results[3]![1];
    console.log(
      `payroll bench: ${EMPLOYEES} employees, ${c.payRun.payslipCount} payslips, gross ${c.payRun.totals.gross.amount}, net ${c.payRun.totals.net.amount}, employer cost ${c.payRun.totals.employerCost.amount}`,
    );
    console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, slug ${slug}\n`);
    console.log('| step | ms |\n|---|---:|');
    for (const [label, ms] of results) console.log(`| ${label} | ${Math.round(ms)} |`);
    console.log(`| **calculate + post** | **${Math.round(calculateAndPost)}** |`);
    console.log(`\njournal entry ${entry.payRun.journalEntry?.number ?? '(not booked)'}: ${JSON.stringify(entry.payRun.journalEntry?.lines ?? [])}`);
    if (calculateAndPost > 5000) process.exitCode = 1;
  } finally {
    await tenantDb?.destroy();
    await stop?.();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

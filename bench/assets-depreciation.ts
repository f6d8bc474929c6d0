/**
 * Depreciation at scale: runDepreciation for a month over 50,000 assets
 * through the gateway over HTTP, the same month again (nothing new), finance's
 * consumer booking the run's entry, and one disposal. The register is seeded
 * straight into the assets tables (as if registered long ago and already
 * delivered), so the figures are the run's and not the registrations'.
 *
 *   npx tsx bench/assets-depreciation.ts          (PostgreSQL at DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432)
 *   BENCH_ASSETS=100000 npx tsx bench/assets-depreciation.ts
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
import type { AssetsDB } from '../subgraphs/assets/store/db';
import { post, subscribeCompany } from './gateway';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 50_000);
const PERIOD = '2026-10';
process.env.APOLLO_TELEMETRY_DISABLED = '1';

interface DepreciationRun {
  runDepreciation: { assetCount: number; totals: Array<{ amount: string; currency: string }>; userErrors: Array<{ code: string; message: string }> };
}

interface AccountBalance {
  balance: { amount: string };
}

async function timed<T>(label: string, results: Array<[string, number]>, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const value = await work();
  results.push([label, Number(process.hrtime.bigint() - started) / 1e6]);
  return value;
}

/**
 * Half straight line, half double declining balance; lives of 24–120 months;
 * acquired over 2022-01 … 2026-08; 2% already disposed before the month.
 */
async function seedRegister(db: Kysely<AssetsDB>, assets: number): Promise<void> {
  await sql`INSERT INTO assets.category (name) VALUES ('Bench equipment')`.execute(db);
  await sql`
    INSERT INTO assets.asset (tag, name, category_id, currency, acquisition_date, acquisition_cost, salvage_value, useful_life_months, depreciation_method, status, disposed_on, disposal_proceeds, book_value_at_disposal)
    SELECT 'BEN-' || lpad(i::text, 7, '0'), 'Bench asset ' || i, (SELECT id FROM assets.category), 'EUR',
           date '2022-01-01' + (i % 1700), 500 + (i % 97) * 37.13, (i % 5) * 20, 24 + (i % 97),
           CASE WHEN i % 2 = 0 THEN 'STRAIGHT_LINE' ELSE 'DECLINING_BALANCE' END,
           CASE WHEN i % 50 = 0 THEN 'DISPOSED' ELSE 'IN_STOCK' END,
           CASE WHEN i % 50 = 0 THEN date '2026-09-15' END, CASE WHEN i % 50 = 0 THEN 0 END, CASE WHEN i % 50 = 0 THEN 0 END
    FROM generate_series(1, ${assets}) AS i`.execute(db);
  await sql`ANALYZE assets.asset`.execute(db);
}

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('assets');
  const { config } = scratch;
  const controlPlane = createDatabase<ControlPlaneDB>(config.databaseUrl, { max: 2 });
  const adminToken = generateAdminToken();
  let stop: (() => Promise<void>) | undefined;
  let tenantDb: Kysely<AssetsDB> | undefined;
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
    const { companyId, key } = await subscribeCompany(gateway, adminToken, 'Bench Assets', ['ASSETS', 'FINANCE']);
    const tenant = await controlPlane.selectFrom('tenant').selectAll().where('company_id', '=', companyId).executeTakeFirstOrThrow();
    tenantDb = createDatabase<AssetsDB>(new ShardDirectory(config.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 2 });
    await seedRegister(tenantDb, ASSETS);

    const results: Array<[string, number]> = [];
    const run = `mutation($period: String!) { runDepreciation(input: { period: $period }) { assetCount totals { amount currency } userErrors { code message } } }`;
    const first = await timed(`runDepreciation ${PERIOD} (first run)`, results, () => post<DepreciationRun>(gateway, run, { period: PERIOD }, key));
    const again = await timed(`runDepreciation ${PERIOD} again (nothing new)`, results, () => post<DepreciationRun>(gateway, run, { period: PERIOD }, key));
    await timed("finance's consumer books the run's entry (relay, one pass)", results, () =>
      drainTenant(tenantDb!, ['ASSETS', 'FINANCE'], loadConsumers(), createLogger('bench', 'silent')),
    );
    const victim = await tenantDb.selectFrom('assets.asset').select('id').where('status', '=', 'IN_STOCK').orderBy('tag').limit(1).executeTakeFirstOrThrow();
    await timed('disposeAsset (catch-up of its unposted months)', results, () =>
      post(
        gateway,
        `mutation($input: DisposeAssetInput!) { disposeAsset(input: $input) { userErrors { code } } }`,
        { input: { assetId: victim.id, date: '2026-10-31', proceeds: { amount: '10.00', currency: 'EUR' } } },
        key,
      ),
    );
    const balances = await post<{ dep: AccountBalance; acc: AccountBalance }>(
      gateway,
      `query { dep: account(code: "6500") { balance { amount } } acc: account(code: "1590") { balance { amount } } }`,
      {},
      key,
    );

    const r = first.runDepreciation;
    if (r.userErrors.length > 0) throw new Error(`refused: ${JSON.stringify(r.userErrors)}`);
    console.log(
      `assets depreciation bench: ${ASSETS} assets, ${r.assetCount} posted for ${PERIOD}, total ${JSON.stringify(r.totals)}; again: ${again.runDepreciation.assetCount}`,
    );
    console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}\n`);
    console.log('| step | ms |\n|---|---:|');
    for (const [label, ms] of results) console.log(`| ${label} | ${Math.round(ms)} |`);
    console.log(`\nledger after: 6500 ${balances.dep.balance.amount}, 1590 ${balances.acc.balance.amount}`);
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

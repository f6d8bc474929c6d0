import { loadConfig, ServiceConfigError } from '../../platform/config';
import { parsePlacementRules, pickShard, type PlacementPolicy } from '../../platform/placement';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// Shards `second` and `third` name the test server too: placement decides names in the registry, and the databases land where the names point.
let base: TestDatabase;
let database: TestDatabase;

beforeAll(async () => {
  base = await createTestDatabase();
  const server = base.config.shards.default!;
  database = {
    ...base,
    config: {
      ...base.config,
      shards: { ...base.config.shards, second: server, third: server },
      placement: { strategy: 'least-tenants', planShards: { BUSINESS: 'second' }, defaultShard: 'default' },
    },
  };
});

afterAll(async () => {
  await base?.drop();
});

const shardOf = async (companyId: string) =>
  (await database.db.selectFrom('tenant').select('shard').where('company_id', '=', companyId).executeTakeFirstOrThrow()).shard;

describe('placement of new tenants', () => {
  it('least-tenants fills the emptiest shard, the default first on a tie, and a plan rule wins over it', async () => {
    const placed: string[] = [];
    for (const name of ['Alpha', 'Bravo', 'Charlie']) {
      const company = await createCompany(database, { name, modules: ['EMPLOYEES'] });
      placed.push(await shardOf(company.companyId));
      await company.tenantDb.destroy();
    }
    expect(placed).toEqual(['default', 'second', 'third']);
    // Every shard holds one: the BUSINESS rule still sends its subscriber to `second`.
    const ruled = await createCompany(database, { name: 'Delta', modules: ['EMPLOYEES', 'ASSETS', 'FINANCE'], planCode: 'BUSINESS' });
    expect(await shardOf(ruled.companyId)).toBe('second');
    await ruled.tenantDb.destroy();
    // second holds two now: the next without a rule goes to the default shard (a tie with third, the default first).
    const next = await createCompany(database, { name: 'Echo', modules: ['EMPLOYEES'] });
    expect(await shardOf(next.companyId)).toBe('default');
    await next.tenantDb.destroy();
  });

  it('default-shard places every tenant without a rule on FLUXO_DEFAULT_SHARD, whatever the counts', () => {
    const policy: PlacementPolicy = { strategy: 'default-shard', planShards: { ENTERPRISE: 'eu3' }, defaultShard: 'eu2' };
    const counts = new Map([
      ['eu2', 50],
      ['eu3', 0],
    ]);
    expect(pickShard(policy, { planCode: null }, counts, ['eu2', 'eu3'])).toBe('eu2');
    expect(pickShard(policy, { planCode: 'STARTER' }, counts, ['eu2', 'eu3'])).toBe('eu2');
    expect(pickShard(policy, { planCode: 'ENTERPRISE' }, counts, ['eu2', 'eu3'])).toBe('eu3');
    expect(pickShard({ ...policy, strategy: 'least-tenants' }, { planCode: null }, counts, ['eu2', 'eu3'])).toBe('eu3');
  });

  it('reads FLUXO_PLACEMENT and FLUXO_PLACEMENT_RULES, and refuses a rule naming an unknown shard or a malformed entry', () => {
    const env = { DATABASE_URL: 'postgres://db:5432/fluxo', FLUXO_SHARDS: 'eu2=postgres://eu2:5432', NODE_ENV: 'test' };
    expect(loadConfig({ ...env, FLUXO_PLACEMENT: 'least-tenants', FLUXO_PLACEMENT_RULES: 'plan:ENTERPRISE=eu2' }).placement).toEqual({
      strategy: 'least-tenants',
      planShards: { ENTERPRISE: 'eu2' },
      defaultShard: 'default',
    });
    expect(loadConfig(env).placement.strategy).toBe('default-shard');
    expect(() => loadConfig({ ...env, FLUXO_PLACEMENT_RULES: 'plan:ENTERPRISE=mars' })).toThrow(ServiceConfigError);
    expect(() => loadConfig({ ...env, FLUXO_PLACEMENT_RULES: 'plan:ENTERPRISE=mars' })).toThrow(/shard "mars", which FLUXO_SHARDS does not define/);
    expect(() => loadConfig({ ...env, FLUXO_PLACEMENT: 'random' })).toThrow(/FLUXO_PLACEMENT/);
    expect(() => parsePlacementRules('ENTERPRISE=eu2')).toThrow(/must look like plan:<code>=<shard>/);
    expect(parsePlacementRules(' plan:STARTER = eu2 , plan:PEOPLE=eu3 ')).toEqual({ STARTER: 'eu2', PEOPLE: 'eu3' });
  });
});

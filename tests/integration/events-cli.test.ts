import { sql } from 'kysely';
import { createLogger } from '../../platform/logger';
import { publishEvents, type EventConsumer } from '../../platform/outbox';
import { DEFAULT_RELAY_OPTIONS, drainTenant } from '../../worker/relay';
import { createCompany, type Company } from '../support/company';
import { runFluxo, type CliRun } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

// `fluxo events dead list|show|replay` as an operator runs it: the real CLI in
// its own process, on a control plane and a tenant database with a dead event.

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let company: Company;

// The consumer is down until the test mends it; `handled` counts the
// deliveries that succeeded, so "succeeds once" is a count, not a hope.
const consumerState = { down: true, handled: [] as string[] };
const flaky: EventConsumer = {
  module: 'ASSETS',
  accepts: { ThingHappened: 'EMPLOYEES' },
  handle: async (_trx, event) => {
    if (consumerState.down) throw new Error('consumer is down');
    consumerState.handled.push(event.aggregateId);
  },
};

function fluxo(...args: string[]): Promise<CliRun> {
  return runFluxo(database, [...args]);
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Dead Letter Co', modules: ['ASSETS', 'EMPLOYEES'] });
  await company.tenantDb
    .transaction()
    .execute((trx) => publishEvents(trx, 'employees', [{ type: 'ThingHappened', aggregateType: 'Thing', aggregateId: 'cli-1', payload: {} }], 'req-cli'));
  expect((await drainTenant(company.tenantDb, company.modules, [flaky], logger, { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 })).dead).toBe(1);
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await database?.drop();
});

it('lists, shows and replays a dead event, and the replay is audited', async () => {
  const listed = await fluxo('events', 'dead', 'list', '--module', 'employees');
  expect(listed.stderr).toBe('');
  expect(listed.stdout).toMatch(new RegExp(`${company.slug}\\s+EMPLOYEES\\s+ThingHappened\\s+Thing:cli-1\\s+1 .*consumer is down`));
  const id = /^([0-9a-f-]{36})\s/m.exec(listed.stdout)![1]!;

  const shown = await fluxo('events', 'dead', 'show', id);
  expect(shown.stdout).toContain(`company:   ${company.slug}`);
  expect(shown.stdout).toContain('consumer is down');
  expect((await fluxo('events', 'dead', 'show', '00000000-0000-4000-8000-000000000000')).code).toBe(1);

  const replayed = await fluxo('events', 'dead', 'replay', '--company', company.slug, id);
  expect(replayed.stdout).toMatch(/1 dead event put back in the queue/);
  const status = await sql<{ status: string }>`SELECT status FROM employees.outbox WHERE id = ${id}::uuid`.execute(company.tenantDb);
  expect(status.rows).toEqual([{ status: 'PENDING' }]);
  const audit = await database.db
    .selectFrom('audit_log')
    .select(['actor_kind', 'credential', 'entity_id'])
    .where('operation', '=', 'replayDeadLetters')
    .execute();
  expect(audit).toEqual([{ actor_kind: 'CLI', credential: 'CLI', entity_id: company.companyId }]);
  expect((await fluxo('events', 'dead', 'list')).stdout).toBe('No dead events.\n');

  // The cause is mended: the replayed event is consumed, once, however often the relay runs.
  consumerState.down = false;
  const options = { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 };
  expect(await drainTenant(company.tenantDb, company.modules, [flaky], logger, options)).toMatchObject({ delivered: 1, dead: 0 });
  expect(await drainTenant(company.tenantDb, company.modules, [flaky], logger, options)).toMatchObject({ delivered: 0, dead: 0 });
  expect(consumerState.handled).toEqual(['cli-1']);
  expect((await fluxo('events', 'dead', 'list')).stdout).toBe('No dead events.\n');
});

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

const failing: EventConsumer = {
  module: 'ASSETS',
  accepts: { ThingHappened: 'EMPLOYEES' },
  handle: async () => {
    throw new Error('consumer is down');
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
  expect((await drainTenant(company.tenantDb, company.modules, [failing], logger, { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 })).dead).toBe(1);
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
});

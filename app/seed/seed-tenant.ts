import { randomUUID } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { loadConsumers } from '../../platform/subgraphs';
import { drainTenant, type DrainReport } from '../../worker/relay';
import type { ControlPlane } from '../../platform/control-plane';
import { isCalendarDate, todayUtc } from '../../platform/dates';
import { createPool } from '../../platform/db';
import { createLogger, type Logger } from '../../platform/logger';
import { moduleSchema, type ModuleName } from '../../platform/modules';
import type { ShardDirectory } from '../../platform/shards';
import type { TenantRef } from '../../platform/tenant-context';
import { planAssets } from './asset-plan';
import type { BatchScope } from './batch';
import { demoCustomFields, ensureDemoCustomFields } from './custom-fields';
import { activeHolders, registerAssets, takenTags, type AssetsReport } from './seed-assets';
import {
  ensureOrganisation,
  findDepartmentHeads,
  hireStaff,
  takenEmails,
  type HiredEmployee,
  type OrganisationReport,
  type StaffReport,
} from './seed-employees';
import { planStaff } from './staff-plan';

export type SeedPhase = 'organisation' | 'employees' | 'events' | 'assets';

export interface SeedProgress {
  phase: SeedPhase;
  done: number;
  total: number;
}

export interface SeedTenantOptions {
  controlPlane: ControlPlane;
  shards: ShardDirectory;
  slug: string;
  employees: number;
  assets: number;
  /** Same seed, same data. Default 1. */
  seed?: number;
  /** Add to a tenant that already has employees or assets. */
  append?: boolean;
  /** The data's "today" (YYYY-MM-DD, UTC). Default: today. */
  asOf?: string;
  /** People or assets per transaction. Default 50. */
  batchSize?: number;
  /** Define the demo's two custom fields of employees and give every hire values (docs/custom-fields.md). */
  customFields?: boolean;
  logger?: Logger;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedReport {
  slug: string;
  modules: ModuleName[];
  seed: number;
  asOf: string;
  /** Data asked for whose module the company does not subscribe to. */
  skipped: Array<{ module: ModuleName; requested: number }>;
  organisation: OrganisationReport | null;
  employees: StaffReport | null;
  assets: AssetsReport | null;
  /** Outbox events delivered to the other modules while seeding. */
  events: DrainReport;
}

/** The seed cannot run as asked; nothing was written. */
export class SeedRefused extends Error {
  constructor(
    readonly reason: 'UNKNOWN_COMPANY' | 'TENANT_NOT_ACTIVE' | 'TENANT_HAS_DATA',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The seed's connections commit without waiting for the WAL flush: a seed is
 * thousands of small commits (each relayed event is two), and waiting for the
 * disk on each one was most of its time. Commits stay in order, so a server
 * crash can only lose the latest ones — the relay then redelivers, and the
 * consumers' inboxes make that harmless.
 */
function openSeedDatabase(databaseUrl: string): Kysely<unknown> {
  return new Kysely<unknown>({
    dialect: new PostgresDialect({
      pool: createPool(databaseUrl, { max: 2, applicationName: 'fluxo-seed' }),
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('SET synchronous_commit = off'));
      },
    }),
  });
}

async function findTenant(controlPlane: ControlPlane, slug: string): Promise<TenantRef> {
  const row = await controlPlane
    .selectFrom('tenant')
    .innerJoin('company', 'company.id', 'tenant.company_id')
    .select(['tenant.id', 'tenant.database_name', 'tenant.shard', 'tenant.status', 'company.id as company_id', 'company.modules'])
    .where('company.slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw new SeedRefused('UNKNOWN_COMPANY', `no company with slug "${slug}" (see fluxo tenant list)`);
  if (row.status !== 'ACTIVE') throw new SeedRefused('TENANT_NOT_ACTIVE', `the tenant of "${slug}" is ${row.status}, not ACTIVE`);
  return { id: row.id, slug, companyId: row.company_id, database: row.database_name, shard: row.shard, companyModules: row.modules };
}

/** Refuses to mix a second sample data set into a tenant that has data, unless appending. */
async function assertEmpty(db: Kysely<unknown>, tenant: TenantRef): Promise<void> {
  const has = (m: ModuleName) => tenant.companyModules.includes(m);
  const employees = has('EMPLOYEES') ? Number((await sql<{ n: string }>`SELECT count(*) AS n FROM employees.employee`.execute(db)).rows[0]!.n) : 0;
  const assets = has('ASSETS') ? Number((await sql<{ n: string }>`SELECT count(*) AS n FROM assets.asset`.execute(db)).rows[0]!.n) : 0;
  if (employees === 0 && assets === 0) return;
  const held = [employees > 0 ? `${employees} employee${employees === 1 ? '' : 's'}` : null, assets > 0 ? `${assets} asset${assets === 1 ? '' : 's'}` : null]
    .filter(Boolean)
    .join(' and ');
  throw new SeedRefused('TENANT_HAS_DATA', `${tenant.slug} already has ${held}; seeding again would mix two sample data sets. Use --append to add to them.`);
}

/** Runs the outbox relay over the tenant until nothing more is delivered, as the worker would. */
async function deliverEvents(
  db: Kysely<unknown>,
  modules: readonly ModuleName[],
  logger: Logger,
  progress: (done: number, total: number) => void,
): Promise<DrainReport> {
  let pending = 0;
  for (const module of modules) {
    pending += Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(`${moduleSchema(module)}.outbox`)} WHERE status = 'PENDING'`.execute(db)).rows[0]!.n,
    );
  }
  const consumers = loadConsumers();
  const total: DrainReport = { delivered: 0, failed: 0, dead: 0 };
  progress(0, pending);
  for (;;) {
    const pass = await drainTenant(db, modules, consumers, logger);
    total.delivered += pass.delivered;
    total.failed += pass.failed;
    total.dead += pass.dead;
    // Consumers publish events of their own (finance's JournalEntryPosted), so the total may grow.
    progress(total.delivered, Math.max(pending, total.delivered));
    if (pass.delivered === 0) return total;
  }
}

/** The assets module must have learnt of every hire before assets can be handed out. */
async function assertProjected(db: Kysely<AssetsDB>, hired: readonly HiredEmployee[], events: DrainReport): Promise<void> {
  if (hired.length === 0) return;
  const known = await db
    .selectFrom('assets.employee_projection')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(
      'employee_id',
      'in',
      hired.map((e) => e.id),
    )
    .executeTakeFirstOrThrow();
  const missing = hired.length - Number(known.n);
  if (missing > 0) {
    throw new Error(
      `the assets module has not learnt of ${missing} of the ${hired.length} employees just hired: their events were not delivered (${events.failed} failed, ${events.dead} dead; see the employees outbox)`,
    );
  }
}

/**
 * Fills a company's tenant with realistic, internally consistent sample data
 * through the modules' own mutations, so audit rows and outbox events are
 * written as for real work: the organisation and people first (employees
 * module), then the relay delivers their events (assets learns who is active
 * only from them), then assets with custody, maintenance and disposals. Only
 * modules the company subscribes to are seeded. Batches that committed stay
 * if a later one fails.
 */
export async function seedTenant(options: SeedTenantOptions): Promise<SeedReport> {
  const seed = options.seed ?? 1;
  const asOf = options.asOf ?? todayUtc();
  const batchSize = options.batchSize ?? 50;
  for (const [name, value] of [
    ['employees', options.employees],
    ['assets', options.assets],
    ['batchSize', batchSize],
  ] as const) {
    if (!Number.isInteger(value) || value < (name === 'batchSize' ? 1 : 0))
      throw new RangeError(`${name} must be a whole number${name === 'batchSize' ? ' from 1' : ', 0 or more'}; got ${value}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number; got ${seed}`);
  if (!isCalendarDate(asOf)) throw new RangeError(`asOf must be a date YYYY-MM-DD; got ${asOf}`);
  const logger = options.logger ?? createLogger('seed', 'silent');
  const progress = (phase: SeedPhase) => (done: number, total: number) => options.onProgress?.({ phase, done, total });

  const tenant = await findTenant(options.controlPlane, options.slug);
  const modules = tenant.companyModules;
  const skipped = (['EMPLOYEES', 'ASSETS'] as const)
    .map((module) => ({ module, requested: module === 'EMPLOYEES' ? options.employees : options.assets }))
    .filter((s) => s.requested > 0 && !modules.includes(s.module));
  // Like the relay's, this handle spans every module's schema; each module's step sees it as that module's database.
  const db = openSeedDatabase(options.shards.databaseUrl(tenant.shard, tenant.database));
  const employeesDb = db as Kysely<EmployeesDB>;
  const assetsDb = db as Kysely<AssetsDB>;
  try {
    if (!options.append) await assertEmpty(db, tenant);
    const scope: BatchScope = { requestId: `seed-${randomUUID()}`, today: asOf };
    const report: SeedReport = {
      slug: tenant.slug,
      modules,
      seed,
      asOf,
      skipped,
      organisation: null,
      employees: null,
      assets: null,
      events: { delivered: 0, failed: 0, dead: 0 },
    };
    const addEvents = (r: DrainReport) => {
      report.events = { delivered: report.events.delivered + r.delivered, failed: report.events.failed + r.failed, dead: report.events.dead + r.dead };
    };

    let hired: HiredEmployee[] = [];
    if (modules.includes('EMPLOYEES') && options.employees > 0) {
      progress('organisation')(0, 1);
      const { organisation, report: organisationReport } = await ensureOrganisation(employeesDb, scope);
      report.organisation = organisationReport;
      progress('organisation')(1, 1);
      const heads = await findDepartmentHeads(employeesDb, organisation);
      const plan = planStaff({
        seed,
        count: options.employees,
        asOf,
        emailDomain: `${tenant.slug}.example`,
        takenEmails: await takenEmails(employeesDb),
        staffedHeads: new Set(heads.keys()),
      });
      progress('employees')(0, plan.length);
      if (options.customFields) await ensureDemoCustomFields(employeesDb, scope);
      const staff = await hireStaff(employeesDb, scope, {
        plan,
        organisation,
        heads,
        batchSize,
        onBatch: (done) => progress('employees')(done, plan.length),
        customFields: options.customFields ? (p) => demoCustomFields(p.email) : undefined,
      });
      hired = staff.hired;
      report.employees = staff.report;
      addEvents(await deliverEvents(db, modules, logger, progress('events')));
    }

    if (modules.includes('ASSETS') && options.assets > 0) {
      await assertProjected(assetsDb, hired, report.events);
      const holders = await activeHolders(assetsDb, hired);
      const plan = planAssets({ seed, count: options.assets, asOf, holders, takenTags: await takenTags(assetsDb) });
      progress('assets')(0, plan.length);
      report.assets = await registerAssets(assetsDb, scope, { plan, holders, batchSize, onBatch: (done) => progress('assets')(done, plan.length) });
      addEvents(await deliverEvents(db, modules, logger, progress('events')));
    }
    return report;
  } finally {
    await db.destroy();
  }
}

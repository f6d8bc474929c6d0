import { Presets, SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import type { FluxoConfig } from '../../platform/config';
import { SeedRefused, seedTenant, type SeedPhase, type SeedProgress, type SeedReport } from '../../app/seed/seed-tenant';
import { action, cliLogger, CliUsageError, configWithDatabaseUrl, withAccessDeps } from '../support';

const out = (text: string) => process.stdout.write(`${text}\n`);

/** What `fluxo start --demo` loads into the demo company. */
export const DEMO_SEED = { employees: 50, assets: 120, seed: 1, customFields: true } as const;

export interface TenantSeedOptions {
  company: string;
  employees: number;
  assets: number;
  seed: number;
  asOf?: string;
  append?: boolean;
}

/** Adds `fluxo tenant seed` to the `tenant` command. */
export function registerSeedCommand(tenant: Command): Command {
  return tenant
    .command('seed')
    .description("fill a company's tenant with realistic sample data through the modules' own mutations (only subscribed modules)")
    .requiredOption('--company <slug>', 'company slug')
    .option('--employees <n>', 'people to hire', wholeNumber, 200)
    .option('--assets <n>', 'assets to register', wholeNumber, 500)
    .option('--seed <n>', 'random seed: the same seed gives the same data', wholeNumber, 1)
    .option('--as-of <date>', "the data's today, YYYY-MM-DD (default: today); with --seed, the same data every time", calendarDate)
    .option('--append', 'add to a tenant that already has employees or assets')
    .action(action(tenantSeedCommand));
}

/**
 * `fluxo tenant seed`: progress on stderr (a bar per phase on a terminal, a
 * line per batch otherwise), the summary on stdout.
 */
export async function tenantSeedCommand(options: TenantSeedOptions): Promise<void> {
  const progress = new SeedProgressView();
  try {
    const config = configWithDatabaseUrl();
    const report = await withAccessDeps(config, (deps) =>
      seedTenant({
        controlPlane: deps.controlPlane,
        shards: deps.shards,
        slug: options.company,
        employees: options.employees,
        assets: options.assets,
        seed: options.seed,
        asOf: options.asOf,
        append: Boolean(options.append),
        logger: cliLogger(config),
        onProgress: (p) => progress.show(p),
      }),
    );
    progress.stop();
    out(describeSeed(report));
    if (report.events.failed + report.events.dead > 0) process.exitCode = 1;
  } catch (error) {
    progress.stop();
    if (error instanceof SeedRefused) throw new CliUsageError(error.message);
    throw error;
  }
}

/**
 * Seeds the demo company of `fluxo start --demo` the first time it starts;
 * null when it already has data (a restart), so its data is never doubled.
 */
export async function seedDemoCompany(config: FluxoConfig, slug: string): Promise<SeedReport | null> {
  return withAccessDeps(config, async (deps) => {
    try {
      return await seedTenant({ controlPlane: deps.controlPlane, shards: deps.shards, slug, ...DEMO_SEED, logger: cliLogger(config) });
    } catch (error) {
      if (error instanceof SeedRefused && error.reason === 'TENANT_HAS_DATA') return null;
      throw error;
    }
  });
}

const PHASE_LABELS: Record<SeedPhase, string> = {
  organisation: 'organisation',
  employees: 'hiring',
  events: 'delivering events',
  assets: 'registering assets',
};

class SeedProgressView {
  private bar: SingleBar | null = null;
  private phase: SeedPhase | null = null;

  show(p: SeedProgress): void {
    const label = PHASE_LABELS[p.phase];
    if (!process.stderr.isTTY) {
      process.stderr.write(`seed: ${label} ${p.done}/${p.total}\n`);
      return;
    }
    if (this.phase !== p.phase || !this.bar) {
      this.bar?.stop();
      this.phase = p.phase;
      this.bar = new SingleBar(
        { stream: process.stderr, format: `${label.padEnd(18)} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      );
      this.bar.start(p.total, p.done);
      return;
    }
    this.bar.setTotal(p.total);
    this.bar.update(p.done);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

const n = (value: number) => value.toLocaleString('en-US');

export function describeSeed(report: SeedReport): string {
  const lines = [`seeded ${report.slug} (seed ${report.seed}, as of ${report.asOf})`];
  const o = report.organisation;
  const e = report.employees;
  if (e && o) {
    lines.push(
      `  employees  ${n(e.hired)} hired, ${n(e.contracts)} contracts, ${n(e.promoted)} promoted, ${n(e.onLeave)} on leave, ${n(e.terminated)} terminated` +
        ` (created ${o.departmentsCreated} departments, ${o.positionsCreated} positions, ${o.rolesCreated} roles)`,
    );
  }
  const a = report.assets;
  if (a) {
    lines.push(
      `  assets     ${n(a.registered)} registered, ${n(a.assignments - a.returns)} held by employees, ${n(a.maintenanceScheduled)} maintenance jobs` +
        ` (${n(a.maintenanceCompleted)} completed), ${n(a.disposed)} disposed`,
    );
  }
  const events = report.events;
  lines.push(
    `  events     ${n(events.delivered)} delivered${events.failed + events.dead > 0 ? `; ${events.failed} failed and ${events.dead} dead-lettered (see the outbox)` : ''}`,
  );
  for (const s of report.skipped)
    lines.push(`  skipped    ${n(s.requested)} ${s.module === 'EMPLOYEES' ? 'employees' : 'assets'}: ${report.slug} does not subscribe to ${s.module}`);
  return lines.join('\n');
}

function calendarDate(value: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`expected a calendar date YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return parsed;
}

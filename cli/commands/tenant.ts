import { Presets, SingleBar } from 'cli-progress';
import type { ControlPlaneDB } from '../../platform/control-plane';
import { createDatabase } from '../../platform/db';
import { rolePrefixOf } from '../../platform/db-roles';
import { tenantMigrationsFromDisk } from '../../platform/migrations';
import { ShardDirectory } from '../../platform/shards';
import {
  abortTenantMove,
  confirmTenantMove,
  findTenantToMove,
  latestMove,
  openMove,
  planTenantMove,
  runTenantMove,
  TenantMoveError,
  type TenantMoveDeps,
} from '../../platform/tenant-move';
import { migrateTenantDatabase } from '../../subgraphs/access/provisioning/tenant-schemas';
import { isModuleName, MODULES, type ModuleName } from '../../platform/modules';
import { addCompanyModules } from '../../subgraphs/access/provisioning/add-modules';
import { syncTenants, type TenantSyncResult } from '../../subgraphs/access/provisioning/tenant-sync';
import { findCompanyBySlug } from '../../subgraphs/access/store/companies';
import { listTenants } from '../../subgraphs/access/store/tenants';
import { cliActor, CliUsageError, configWithDatabaseUrl, formatTable, withAccessDeps } from '../support';
import type { FluxoConfig } from '../../platform/config';

const out = (text: string) => process.stdout.write(`${text}\n`);
const progressLine = (text: string) => process.stderr.write(`${text}\n`);

/** `fluxo tenant list`: where each tenant lives and how far its schemas are migrated. */
export async function tenantListCommand(): Promise<void> {
  const tenants = await withAccessDeps(configWithDatabaseUrl(), (deps) => listTenants(deps.controlPlane));
  if (tenants.length === 0) {
    out('No tenants yet.');
    return;
  }
  const rows = tenants.map((t) => [
    t.slug,
    t.database_name,
    t.shard,
    t.status,
    Object.entries(t.schema_versions)
      .map(([owner, version]) => `${owner}=${version ?? '-'}`)
      .join(' '),
    t.last_error ? oneLine(t.last_error, 60) : '',
  ]);
  out(formatTable(['SLUG', 'DATABASE', 'SHARD', 'STATUS', 'SCHEMA VERSIONS', 'LAST ERROR'], rows));
}

/**
 * `fluxo tenant sync`: migrates every active tenant to the latest migrations of
 * its modules. Progress goes to stderr (a bar on a terminal, a line per tenant
 * otherwise), the report to stdout; any failure makes the exit code 1.
 */
export async function tenantSyncCommand(options: { concurrency: number; company?: string[] }): Promise<void> {
  const slugs = options.company && options.company.length > 0 ? options.company : undefined;
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { stream: process.stderr, format: 'tenant sync [{bar}] {value}/{total} {slug}', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      )
    : null;
  let total = 0;
  let finished = 0;
  const results = await withAccessDeps(configWithDatabaseUrl(), (deps) =>
    syncTenants(deps, {
      concurrency: options.concurrency,
      slugs,
      onStart: (count) => {
        total = count;
        if (bar) bar.start(count, 0, { slug: '' });
        else progressLine(`tenant sync: ${count} tenant${count === 1 ? '' : 's'}, concurrency ${options.concurrency}`);
      },
      onTenantDone: (result) => {
        if (bar) bar.increment(1, { slug: result.slug });
        else progressLine(`[${(finished += 1)}/${total}] ${result.ok ? 'ok    ' : 'FAILED'} ${result.slug}${result.ok ? appliedNote(result) : ''}`);
      },
    }),
  ).finally(() => bar?.stop());

  const failed = results.filter((r) => !r.ok);
  const missing = slugs ? slugs.filter((s) => !results.some((r) => r.slug === s)) : [];
  out(`tenant sync: ${total} tenant${total === 1 ? '' : 's'}, ${total - failed.length} up to date, ${failed.length} failed`);
  for (const r of results.filter((x) => x.ok && x.applied.length > 0)) out(`  migrated ${r.slug}: ${r.applied.join(', ')}`);
  for (const r of failed) out(`  FAILED ${r.slug} (database ${r.database}): ${oneLine(r.error ?? 'unknown error', 500)}`);
  if (missing.length > 0) out(`  no active tenant for: ${missing.join(', ')}`);
  if (failed.length > 0 || missing.length > 0) process.exitCode = 1;
}

function appliedNote(result: TenantSyncResult): string {
  return result.applied.length > 0 ? ` (${result.applied.length} migration${result.applied.length === 1 ? '' : 's'} applied)` : '';
}

/** `fluxo tenant add-module`: subscribes a company to more modules, creating and migrating their schemas. */
export async function tenantAddModuleCommand(options: { company: string; module: string[] }): Promise<void> {
  const modules = parseModules(options.module);
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const company = await findCompanyBySlug(deps.controlPlane, options.company);
    if (!company) throw new CliUsageError(`no company with slug "${options.company}" (see fluxo tenant list)`);
    const added = modules.filter((m) => !company.modules.includes(m));
    const updated = await addCompanyModules(deps, company.id, modules, cliActor());
    out(
      added.length > 0
        ? `${updated.slug}: added ${added.join(', ')}; modules now ${updated.modules.join(', ')}`
        : `${updated.slug}: already subscribed to ${modules.join(', ')}; nothing to do`,
    );
  });
}

function parseModules(raw: readonly string[]): ModuleName[] {
  const names = raw
    .flatMap((r) => r.split(','))
    .map((r) => r.trim().toUpperCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !isModuleName(n));
  if (unknown.length > 0) throw new CliUsageError(`unknown module ${unknown.join(', ')}; modules are ${MODULES.join(', ')}`);
  return names.filter(isModuleName);
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * `fluxo tenant move`: copies a company's tenant database to another shard and
 * switches the registry to it, pausing the company's writes only for the last
 * changes (docs/tenant-moves.md). Run again after a failure to resume;
 * `--confirm` drops the old copy, `--abort` rolls back a move not yet switched.
 */
export async function tenantMoveCommand(options: { company: string; to?: string; confirm?: boolean; abort?: boolean; status?: boolean }): Promise<void> {
  const chosen = [options.confirm, options.abort, options.status].filter(Boolean).length;
  if (chosen > 1) throw new CliUsageError('give at most one of --confirm, --abort and --status');
  if (chosen === 0 && !options.to) throw new CliUsageError('--to <shard> is required to start or resume a move');
  const config = configWithDatabaseUrl();
  const controlPlane = createDatabase<ControlPlaneDB>(config.databaseUrl, { max: 2, applicationName: 'fluxo-tenant-move' });
  try {
    const deps = tenantMoveDeps(config, controlPlane, progressLine);
    const tenant = await findTenantToMove(controlPlane, options.company).catch(asUsage);
    if (options.status) {
      const move = await latestMove(controlPlane, tenant.tenantId);
      out(move ? describeMove(tenant.slug, move) : `${tenant.slug}: on shard ${tenant.shard}, never moved`);
      return;
    }
    if (options.confirm || options.abort) {
      const move = await openMove(controlPlane, tenant.tenantId);
      if (!move) throw new CliUsageError(`${tenant.slug} has no move in progress`);
      const done = await (options.confirm ? confirmTenantMove(deps, move) : abortTenantMove(deps, move)).catch(asUsage);
      out(describeMove(tenant.slug, done));
      return;
    }
    const move = await planTenantMove(deps, tenant, options.to!).catch(asUsage);
    const switched = await runTenantMove(deps, tenant, move).catch(asUsage);
    out(describeMove(tenant.slug, switched));
    out(`  the old copy is kept, closed, on shard ${switched.from_shard}: fluxo tenant move --company ${tenant.slug} --confirm drops it`);
  } finally {
    await controlPlane.destroy();
  }
}

/** The operator's own logins to the shards (not a service's): a move creates databases, installs triggers and ends sessions. */
export function tenantMoveDeps(config: FluxoConfig, controlPlane: TenantMoveDeps['controlPlane'], progress?: (line: string) => void): TenantMoveDeps {
  const shards = new ShardDirectory(config.shards);
  return {
    controlPlane,
    shards,
    prepareTarget: async ({ shard, database, modules }) => {
      await migrateTenantDatabase(shards, { shard, database_name: database }, modules.filter(isModuleName), tenantMigrationsFromDisk, {
        create: true,
        templatePrefix: config.tenantTemplatePrefix,
        rolePrefix: rolePrefixOf(config),
      });
    },
    progress,
  };
}

function describeMove(
  slug: string,
  move: {
    state: string;
    from_shard: string;
    to_shard: string;
    pause_millis: number | null;
    copied_rows: string | null;
    synced_rows: string | null;
    last_error: string | null;
  },
): string {
  const parts = [`${slug}: move ${move.from_shard} → ${move.to_shard} ${move.state}`];
  if (move.copied_rows !== null) parts.push(`${move.copied_rows} rows copied`);
  if (move.synced_rows !== null) parts.push(`${move.synced_rows} rows in the final sync`);
  if (move.pause_millis !== null) parts.push(`writes paused ${move.pause_millis} ms`);
  if (move.last_error) parts.push(`last error: ${oneLine(move.last_error, 300)}`);
  return parts.join(', ');
}

function asUsage(error: unknown): never {
  if (error instanceof TenantMoveError) throw new CliUsageError(`${error.message} (${error.code})`);
  throw error;
}

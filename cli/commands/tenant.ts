import { Presets, SingleBar } from 'cli-progress';
import { isModuleName, MODULES, type ModuleName } from '../../platform/modules';
import { addCompanyModules } from '../../subgraphs/access/provisioning/add-modules';
import { syncTenants, type TenantSyncResult } from '../../subgraphs/access/provisioning/tenant-sync';
import { findCompanyBySlug } from '../../subgraphs/access/store/companies';
import { listTenants } from '../../subgraphs/access/store/tenants';
import { cliActor, CliUsageError, configWithDatabaseUrl, formatTable, withAccessDeps } from '../support';

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

import fs from 'node:fs';
import path from 'node:path';
import { backupDatabase, BackupError, restoreToNewDatabase, swapDatabase } from '../../platform/backup';
import { backupDatabaseBuiltIn, restoreTenantBuiltIn } from '../../platform/logical-backup';
import { databaseName } from '../../platform/db';
import { syncTenants } from '../../subgraphs/access/provisioning/tenant-sync';
import { listTenants, type TenantWithCompany } from '../../subgraphs/access/store/tenants';
import type { AccessDeps } from '../../subgraphs/access/deps';
import { CliUsageError, configWithDatabaseUrl, setUpDatabaseRoles, withAccessDeps } from '../support';
import { loginServices, ownerRole, roleName } from '../../platform/db-roles';
import { announceChange } from '../../platform/response-cache-signal';

const out = (text: string) => process.stdout.write(`${text}\n`);
const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

async function tenantOf(deps: AccessDeps, slug: string): Promise<TenantWithCompany> {
  const [tenant] = await listTenants(deps.controlPlane, { slugs: [slug] });
  if (!tenant) throw new CliUsageError(`no company "${slug}" (fluxo tenant list shows them)`);
  return tenant;
}

/**
 * `fluxo db roles`: creates every service's PostgreSQL role with its password
 * (FLUXO_<NAME>_DB_PASSWORD) or sets it again, which is how a password is
 * rotated, and hands the control plane to the owner role; `fluxo migrate`
 * then migrates and grants it. DATABASE_URL is a superuser's.
 */
export async function dbRolesCommand(): Promise<void> {
  const config = configWithDatabaseUrl();
  const { prefix } = config.databaseRoles;
  const adopted = await setUpDatabaseRoles(config);
  out(`roles ${[ownerRole(prefix), ...loginServices().map((s) => roleName(prefix, s))].join(', ')} are in place`);
  const next = 'fluxo migrate (FLUXO_DB_ROLES=1) grants it';
  out(
    adopted
      ? `control plane "${databaseName(config.databaseUrl)}" now belongs to ${ownerRole(prefix)}: ${next}, then fluxo tenant sync (as a superuser) hands over and grants every tenant`
      : `control plane "${databaseName(config.databaseUrl)}" belongs to ${ownerRole(prefix)}: ${next}`,
  );
}

export const BACKUP_FORMATS = ['fluxo', 'pg_dump'] as const;
export type BackupFormat = (typeof BACKUP_FORMATS)[number];

/**
 * `fluxo db backup`: one tenant's database, or the control plane, to an archive:
 * Fluxo's own (the default; needs no PostgreSQL client tools) or pg_dump's.
 */
export async function dbBackupCommand(options: { company?: string; controlPlane?: boolean; out?: string; format?: string }): Promise<void> {
  if (Boolean(options.company) === Boolean(options.controlPlane)) throw new CliUsageError('say what to back up: --company <slug> or --control-plane');
  const format = (options.format ?? 'fluxo') as BackupFormat;
  if (!BACKUP_FORMATS.includes(format)) throw new CliUsageError(`--format is one of ${BACKUP_FORMATS.join(', ')}; got "${options.format}"`);
  const config = configWithDatabaseUrl();
  const { url, label } = options.controlPlane
    ? { url: config.databaseUrl, label: 'control-plane' }
    : await withAccessDeps(config, async (deps) => {
        const tenant = await tenantOf(deps, options.company!);
        return { url: deps.shards.databaseUrl(tenant.shard, tenant.database_name), label: tenant.slug };
      });
  const file = path.resolve(options.out ?? path.join('backups', `${label}-${stamp()}.${format === 'fluxo' ? 'fluxo.gz' : 'dump'}`));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (format === 'pg_dump') await backupDatabase(url, file, config.cli.pgBin);
  else await backupDatabaseBuiltIn(url, file, options.controlPlane ? 'control-plane' : 'tenant');
  out(`backed up ${label} (${databaseName(url)}) to ${file} (${fs.statSync(file).size} bytes)`);
}

/** Which program wrote an archive, by its first bytes: gzip (Fluxo's own) or pg_dump's custom format. */
export function archiveFormat(file: string): BackupFormat {
  const start = Buffer.alloc(5);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, start, 0, start.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (start[0] === 0x1f && start[1] === 0x8b) return 'fluxo';
  if (start.toString('latin1') === 'PGDMP') return 'pg_dump';
  throw new BackupError(`${file} is neither a Fluxo backup nor a pg_dump archive; nothing was changed`);
}

/**
 * `fluxo db restore`: a tenant's database becomes the archive's. The archive is
 * restored into a new database first (a failed restore changes nothing), then
 * takes the live one's name; the previous database is kept under another name
 * for the operator to drop. The tenant's settings and any migration newer than
 * the archive are applied after, as `fluxo tenant sync` does.
 */
export async function dbRestoreCommand(options: { company: string; from: string; yes?: boolean }): Promise<void> {
  const file = path.resolve(options.from);
  if (!fs.existsSync(file)) throw new CliUsageError(`no archive at ${file}`);
  if (!options.yes) throw new CliUsageError(`restoring replaces everything in ${options.company}'s database since the backup: add --yes to go ahead`);
  const config = configWithDatabaseUrl();
  await withAccessDeps(config, async (deps) => {
    const report = await restoreTenant(deps, options.company, file, config.cli.pgBin);
    out(`restored ${options.company} from ${file}; the previous database is kept as ${report.retired} (drop it when you no longer need it)`);
    if (report.applied.length > 0) out(`  then migrated: ${report.applied.join(', ')}`);
  });
}

/**
 * The restore behind `fluxo db restore`, for the CLI and its tests. The archive's
 * first bytes say its format; pg_restore, for pg_dump's, comes from `pgBin`
 * (FLUXO_PG_BIN) or PATH.
 */
export async function restoreTenant(
  deps: AccessDeps,
  slug: string,
  file: string,
  pgBin: string | null = null,
): Promise<{ retired: string; applied: string[] }> {
  const tenant = await tenantOf(deps, slug);
  const server = deps.shards.serverUrl(tenant.shard);
  const suffix = stamp().replace('-', '');
  // PostgreSQL keeps 63 bytes of a name: the base is shortened, never the suffix.
  const named = (tag: string) => `${tenant.database_name.slice(0, 63 - tag.length - suffix.length - 1)}_${tag}${suffix}`;
  const replacement = named('r');
  const retired = named('old');
  if (archiveFormat(file) === 'pg_dump') await restoreToNewDatabase(server, replacement, file, pgBin);
  else await restoreTenantBuiltIn(server, replacement, file);
  await swapDatabase(server, tenant.database_name, replacement, retired);
  // The database keeps its name, so the gateways' response caches would still
  // serve answers read from the retired one: they drop all of the company's.
  // The restore is done either way; unannounced, those answers expire with their max age.
  await announceChange(deps.controlPlane, { companyId: tenant.company_id, modules: null, source: 'data' }).catch((error: unknown) =>
    process.stderr.write(
      `warning: gateways not told of the restore (${error instanceof Error ? error.message : String(error)}); their cached answers of ${slug} expire within 60 s\n`,
    ),
  );
  const [result] = await syncTenants(deps, { concurrency: 1, slugs: [slug] });
  if (result && !result.ok)
    throw new CliUsageError(`restored, but migrating ${slug} failed: ${result.error} (fix it, then run fluxo tenant sync --company ${slug})`);
  return { retired, applied: result?.ok ? result.applied : [] };
}

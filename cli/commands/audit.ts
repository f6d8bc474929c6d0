import fs from 'node:fs';
import { once } from 'node:events';
import { Presets, SingleBar } from 'cli-progress';
import type { Kysely } from 'kysely';
import type { AccessDeps } from '../../subgraphs/access/deps';
import { inControlPlaneTransaction } from '../../subgraphs/access/mutation';
import { purgeTenantAudit, setAuditRetention, verifyChain, verifyReachableTenantChain, type ChainReport } from '../../subgraphs/access/services/audit-chain';
import { activeTenants, inTenantDatabase, tenantOfCompany, type ReachableTenant } from '../../subgraphs/access/services/tenant-reach';
import { PLATFORM_CHAIN } from '../../subgraphs/access/store/audit-chain';
import { listPlatformAudit, listTenantAudit, type AuditEntryRecord, type AuditFilterValues } from '../../subgraphs/access/store/audit-log';
import { findCompanyBySlug } from '../../subgraphs/access/store/companies';
import { listTenants } from '../../subgraphs/access/store/tenants';
import type { TenantAuditDB } from '../../subgraphs/kit/audit';
import type { CursorValues } from '../../subgraphs/kit/pagination';
import { cliActor, CliUsageError, configWithDatabaseUrl, formatTable, withAccessDeps } from '../support';

const out = (text: string) => process.stdout.write(`${text}\n`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface StreamOptions {
  company?: string;
  controlPlane?: boolean;
}

async function companyIdOf(deps: AccessDeps, slug: string): Promise<string> {
  const company = await findCompanyBySlug(deps.controlPlane, slug);
  if (!company) throw new CliUsageError(`no company with slug "${slug}" (see fluxo tenant list)`);
  return company.id;
}

/** One audit stream, named for the operator: reading its rows and verifying its chain, on whichever database holds it. */
interface Stream {
  name: string;
  read: (filter: AuditFilterValues, page: { after: CursorValues | null; limit: number }) => Promise<AuditEntryRecord[]>;
  verify: (batchSize: number) => Promise<ChainReport>;
}

function controlPlaneStream(deps: AccessDeps): Stream {
  return {
    name: 'control-plane',
    read: (filter, page) => listPlatformAudit(deps.controlPlane, filter, page),
    verify: (batchSize) => verifyChain(deps.controlPlane, PLATFORM_CHAIN, { batchSize }),
  };
}

function tenantStream(deps: AccessDeps, name: string, tenant: ReachableTenant): Stream {
  const run = <T>(work: (db: Kysely<TenantAuditDB>) => Promise<T>) => inTenantDatabase(deps.tenantPools(), tenant, work);
  return {
    name,
    read: (filter, page) => run((db) => listTenantAudit(db, filter, page)),
    verify: (batchSize) => verifyReachableTenantChain(deps, tenant, { batchSize }),
  };
}

async function streamOf(deps: AccessDeps, options: StreamOptions): Promise<Stream> {
  if (options.company && options.controlPlane) throw new CliUsageError('give --company <slug> or --control-plane, not both');
  if (!options.company) return controlPlaneStream(deps);
  return tenantStream(deps, options.company, await tenantOfCompany(deps.controlPlane, await companyIdOf(deps, options.company)));
}

function describeReport(name: string, report: ChainReport): string {
  const from = report.anchoredAfter ? `, from the purge anchor after row ${report.anchoredAfter}` : '';
  if (!report.broken) return `${name}: ok, ${plural(report.rows, 'row')} verified${from}`;
  return `${name}: BROKEN (${report.broken.reason}) ${report.broken.message}; ${plural(report.rows, 'row')} verified before it${from}`;
}

/**
 * `fluxo audit verify`: recomputes a stream's hash chain and names the first
 * row that breaks it; with --all the control plane and every active tenant,
 * with a progress bar on a terminal. Any break makes the exit code 1.
 */
export async function auditVerifyCommand(options: StreamOptions & { all?: boolean; batchSize: number }): Promise<void> {
  if (options.all && (options.company || options.controlPlane)) throw new CliUsageError('--all verifies every stream: give it alone');
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const streams = options.all ? await allStreams(deps) : [await streamOf(deps, options)];
    const bar =
      options.all && process.stderr.isTTY
        ? new SingleBar({ stream: process.stderr, format: 'audit verify [{bar}] {value}/{total} {stream}', hideCursor: true }, Presets.shades_classic)
        : null;
    bar?.start(streams.length, 0, { stream: '' });
    let broken = 0;
    try {
      for (const stream of streams) {
        const report = await stream.verify(options.batchSize);
        if (report.broken) broken += 1;
        bar?.increment(1, { stream: stream.name });
        out(describeReport(stream.name, report));
      }
    } finally {
      bar?.stop();
    }
    if (streams.length > 1) out(`audit verify: ${plural(streams.length, 'stream')}, ${broken} broken`);
    if (broken > 0) process.exitCode = 1;
  });
}

async function allStreams(deps: AccessDeps): Promise<Stream[]> {
  const slugs = new Map((await listTenants(deps.controlPlane)).map((t) => [t.company_id, t.slug]));
  const tenants = await activeTenants(deps.controlPlane);
  return [controlPlaneStream(deps), ...tenants.map((tenant) => tenantStream(deps, slugs.get(tenant.companyId) ?? tenant.companyId, tenant))];
}

export interface AuditFilterOptions extends StreamOptions {
  actor?: string;
  action?: string;
  entity?: string;
  from?: string;
  to?: string;
}

function filterOf(options: AuditFilterOptions): AuditFilterValues {
  return { actor: options.actor, action: options.action, entity: options.entity, from: instant(options.from, '--from'), to: instant(options.to, '--to') };
}

function instant(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new CliUsageError(`${flag}: expected a date or an ISO 8601 instant, got "${value}"`);
  return parsed.toISOString();
}

/** Pages of the stream, newest first, until `visit` says stop or the rows run out. */
async function eachPage(stream: Stream, filter: AuditFilterValues, pageSize: number, visit: (rows: AuditEntryRecord[]) => Promise<boolean>) {
  let after: CursorValues | null = null;
  for (;;) {
    const rows = await stream.read(filter, { after, limit: pageSize });
    if (rows.length === 0 || !(await visit(rows)) || rows.length < pageSize) return;
    after = [rows[rows.length - 1]!.id];
  }
}

/** `fluxo audit list`: the newest rows of a stream that match the filters, as a table. */
export async function auditListCommand(options: AuditFilterOptions & { limit: number }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const stream = await streamOf(deps, options);
    let rows: AuditEntryRecord[] = [];
    await eachPage(stream, filterOf(options), options.limit, async (page) => {
      rows = page;
      return false;
    });
    if (rows.length === 0) {
      out('No audit rows.');
      return;
    }
    const actorOf = (r: AuditEntryRecord) => r.actor_email ?? r.key_id ?? r.actor_kind ?? '';
    out(
      formatTable(
        ['ID', 'AT', 'ACTOR', 'CREDENTIAL', 'ACTION', 'ENTITY', 'ENTITY ID'],
        rows.map((r) => [r.id, r.at.toISOString(), actorOf(r), r.credential ?? '', r.operation, r.entity, r.entity_id ?? '']),
      ),
    );
  });
}

/** An audit row as one line of an export: its JSON columns as JSON, not as text holding JSON. */
function exportLine(row: AuditEntryRecord): string {
  const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
  return JSON.stringify({ ...row, at: row.at.toISOString(), before: parse(row.before), after: parse(row.after) });
}

/** `fluxo audit export`: every matching row of a stream, newest first, as NDJSON on stdout or in --out, read in keyset batches. */
export async function auditExportCommand(options: AuditFilterOptions & { out?: string; batchSize: number }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const stream = await streamOf(deps, options);
    const target = options.out ? fs.createWriteStream(options.out) : process.stdout;
    let written = 0;
    try {
      await eachPage(stream, filterOf(options), options.batchSize, async (rows) => {
        if (!target.write(`${rows.map(exportLine).join('\n')}\n`)) await once(target, 'drain');
        written += rows.length;
        return true;
      });
    } finally {
      if (options.out) {
        const file = target as fs.WriteStream;
        await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
      }
    }
    if (options.out) process.stderr.write(`audit export: ${plural(written, 'row')} written to ${options.out}\n`);
  });
}

/** `fluxo audit purge`: deletes a company's audit rows older than --before, within what its retention allows; audited. */
export async function auditPurgeCommand(options: { company: string; before: string; yes?: boolean }): Promise<void> {
  const before = new Date(instant(options.before, '--before')!);
  if (!options.yes)
    throw new CliUsageError(`purging deletes audit rows for good: add --yes to purge ${options.company}'s rows older than ${before.toISOString()}`);
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const anchor = await purgeTenantAudit(deps, { companyId: await companyIdOf(deps, options.company), before }, cliActor());
    if (!anchor) {
      out(`${options.company}: no audit row older than ${before.toISOString()}; nothing purged`);
      return;
    }
    out(
      `${options.company}: ${plural(Number(anchor.row_count), 'audit row')} purged (ids ${anchor.first_id}–${anchor.last_id}, ` +
        `${anchor.first_at.toISOString()} to ${anchor.last_at.toISOString()}); the chain now starts from hash ${anchor.last_hash}`,
    );
  });
}

/** `fluxo audit retention`: sets how many years a company's audit is kept; audited. */
export async function auditRetentionCommand(options: { company: string; years: number }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const companyId = await companyIdOf(deps, options.company);
    const company = await inControlPlaneTransaction(deps.controlPlane, cliActor(), 'setAuditRetention', (trx, actor) =>
      setAuditRetention(trx, { companyId, years: options.years }, actor),
    );
    out(`${options.company}: audit kept ${plural(company.audit_retention_years, 'year')}`);
  });
}

import { isModuleName, MODULES, type ModuleName } from '../../platform/modules';
import type { AccessDeps } from '../../subgraphs/access/deps';
import { findDeadLetters, listDeadLetters, replayDeadLetters, type DeadLetter } from '../../subgraphs/access/services/dead-letters';
import { findCompanyBySlug } from '../../subgraphs/access/store/companies';
import { listTenants } from '../../subgraphs/access/store/tenants';
import { cliActor, CliUsageError, configWithDatabaseUrl, formatTable, withAccessDeps } from '../support';

const out = (text: string) => process.stdout.write(`${text}\n`);

export interface DeadEventOptions {
  company?: string;
  module?: string;
}

/** The companies and module the options name, checked before any tenant is read. */
async function scopeOf(deps: AccessDeps, options: DeadEventOptions): Promise<{ companyId: string | null; module: ModuleName | null }> {
  const module = options.module ? parseModule(options.module) : null;
  if (!options.company) return { companyId: null, module };
  const company = await findCompanyBySlug(deps.controlPlane, options.company);
  if (!company) throw new CliUsageError(`no company with slug "${options.company}" (see fluxo tenant list)`);
  return { companyId: company.id, module };
}

function parseModule(raw: string): ModuleName {
  const name = raw.trim().toUpperCase();
  if (!isModuleName(name)) throw new CliUsageError(`unknown module ${raw}; modules are ${MODULES.join(', ')}`);
  return name;
}

async function slugsOf(deps: AccessDeps): Promise<Map<string, string>> {
  return new Map((await listTenants(deps.controlPlane)).map((t) => [t.company_id, t.slug]));
}

const oneLine = (text: string | null, max: number) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `fluxo events dead list`: events that exhausted their retries, oldest first, of every company or one. */
export async function deadListCommand(options: DeadEventOptions & { limit: number }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const scope = await scopeOf(deps, options);
    const dead = await listDeadLetters(deps, scope, { after: null, limit: options.limit + 1 });
    if (dead.length === 0) {
      out('No dead events.');
      return;
    }
    const slugs = await slugsOf(deps);
    const rows = dead
      .slice(0, options.limit)
      .map((d) => [
        d.id,
        slugs.get(d.companyId) ?? d.companyId,
        d.module,
        d.eventType,
        d.aggregate,
        String(d.attempts),
        d.occurredAt.toISOString(),
        oneLine(d.lastError, 60),
      ]);
    out(formatTable(['ID', 'COMPANY', 'MODULE', 'TYPE', 'AGGREGATE', 'ATTEMPTS', 'OCCURRED', 'LAST ERROR'], rows));
    if (dead.length > options.limit) out(`… more than ${options.limit}; narrow with --company or --module, or raise --limit`);
  });
}

function describe(d: DeadLetter, slug: string): string {
  return [
    `id:        ${d.id}`,
    `company:   ${slug}`,
    `module:    ${d.module}`,
    `type:      ${d.eventType}`,
    `aggregate: ${d.aggregate}`,
    `attempts:  ${d.attempts}`,
    `occurred:  ${d.occurredAt.toISOString()}`,
    `last error:`,
    `  ${d.lastError ?? '(none)'}`,
  ].join('\n');
}

/** `fluxo events dead show <id>`: one dead event with its whole last error. */
export async function deadShowCommand(id: string, options: DeadEventOptions): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const [found] = await findDeadLetters(deps, await scopeOf(deps, options), [id]);
    if (!found) throw new CliUsageError(`no dead event ${id} (see fluxo events dead list)`);
    out(describe(found, (await slugsOf(deps)).get(found.companyId) ?? found.companyId));
  });
}

/** `fluxo events dead replay --company <slug> [ids...]`: re-queues a company's dead events, recorded in the global audit log. */
export async function deadReplayCommand(ids: string[], options: DeadEventOptions): Promise<void> {
  if (!options.company) throw new CliUsageError('--company is required: a replay acts on one company');
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const scope = await scopeOf(deps, options);
    const { replayed } = await replayDeadLetters(deps, { companyId: scope.companyId!, module: scope.module, ids: ids.length > 0 ? ids : null }, cliActor());
    out(`${options.company}: ${replayed} dead event${replayed === 1 ? '' : 's'} put back in the queue; the worker delivers them on its next pass`);
  });
}

import pLimit from 'p-limit';
import type { Kysely } from 'kysely';
import { countDeadEvents, listDeadEvents, replayDeadEvents, type DeadEvent } from '../../../platform/dead-letters';
import { isUuid } from '../../../platform/ids';
import type { ModuleName } from '../../../platform/modules';
import type { ActorIdentity } from '../../kit/actor';
import { failWith } from '../../kit/errors';
import type { CursorValues } from '../../kit/pagination';
import { writeGlobalAudit } from '../store/audit';
import { activeTenants, inTenantDatabase, tenantOfCompany, type ReachableTenant, type TenantReachDeps } from './tenant-reach';

/** A dead event and the company whose tenant database holds it. */
export type DeadLetter = DeadEvent & { companyId: string };

/** Tenant databases read at once: enough to hide latency, few enough to leave the pools to requests. */
const TENANTS_AT_ONCE = 4;

export interface DeadLetterScope {
  companyId?: string | null;
  module?: ModuleName | null;
}

const modulesIn = (tenant: ReachableTenant, module?: ModuleName | null) => (module ? tenant.modules.filter((m) => m === module) : tenant.modules);

const byPosition = (a: DeadLetter, b: DeadLetter) => a.position.localeCompare(b.position) || a.id.localeCompare(b.id);

/** Runs `read` on every tenant in scope, a few at a time. */
async function acrossTenants<T>(
  deps: TenantReachDeps,
  scope: DeadLetterScope,
  read: (tenant: ReachableTenant, modules: ModuleName[]) => (db: Kysely<unknown>) => Promise<T>,
): Promise<T[]> {
  const tenants = (await activeTenants(deps.controlPlane, scope.companyId)).filter((t) => modulesIn(t, scope.module).length > 0);
  const limit = pLimit(TENANTS_AT_ONCE);
  return Promise.all(tenants.map((t) => limit(() => inTenantDatabase(deps.tenantPools(), t, read(t, modulesIn(t, scope.module))))));
}

/**
 * One page of dead events across the tenants in scope, oldest first: each
 * tenant gives its first `limit` after the cursor, and the merge keeps the
 * first `limit` of all. Positions are UTC text of one fixed width, so they sort as text.
 */
export async function listDeadLetters(
  deps: TenantReachDeps,
  scope: DeadLetterScope,
  page: { after: CursorValues | null; limit: number },
): Promise<DeadLetter[]> {
  const after = page.after ? { position: String(page.after[0]), id: String(page.after[1]) } : null;
  const perTenant = await acrossTenants(deps, scope, (tenant, modules) => async (db) => {
    const dead = await listDeadEvents(db, modules, { after, limit: page.limit });
    return dead.map((d) => ({ ...d, companyId: tenant.companyId }));
  });
  return perTenant.flat().sort(byPosition).slice(0, page.limit);
}

/** The dead events with these ids, wherever they are in scope. */
export async function findDeadLetters(deps: TenantReachDeps, scope: DeadLetterScope, ids: readonly string[]): Promise<DeadLetter[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const perTenant = await acrossTenants(deps, scope, (tenant, modules) => async (db) => {
    const dead = await listDeadEvents(db, modules, { ids: valid });
    return dead.map((d) => ({ ...d, companyId: tenant.companyId }));
  });
  return perTenant.flat().sort(byPosition);
}

export async function countDeadLetters(deps: TenantReachDeps, scope: DeadLetterScope): Promise<number> {
  const counts = await acrossTenants(deps, scope, (_tenant, modules) => (db) => countDeadEvents(db, modules));
  return counts.reduce((sum, n) => sum + n, 0);
}

export interface ReplayDeadLettersInput {
  companyId: string;
  module?: ModuleName | null;
  ids?: readonly string[] | null;
}

/**
 * Re-queues a company's dead events (those of a module, or the ids given) and
 * records it in the platform's audit log. The tenant database and the control
 * plane are two databases: the audit row follows the replay it describes.
 */
export async function replayDeadLetters(deps: TenantReachDeps, input: ReplayDeadLettersInput, actor: ActorIdentity): Promise<{ replayed: number }> {
  const badId = input.ids?.findIndex((id) => !isUuid(id)) ?? -1;
  if (badId >= 0) failWith(['ids', String(badId)], 'Not an event id', 'INVALID_ID');
  const tenant = await tenantOfCompany(deps.controlPlane, input.companyId);
  if (input.module && !tenant.modules.includes(input.module)) failWith('module', 'The company does not subscribe to this module', 'MODULE_NOT_SUBSCRIBED');
  // An empty list of ids replays nothing rather than everything.
  if (input.ids && input.ids.length === 0) return { replayed: 0 };
  const replayed = await inTenantDatabase(deps.tenantPools(), tenant, (db) => replayDeadEvents(db, modulesIn(tenant, input.module), input.ids ?? undefined));
  await writeGlobalAudit(deps.controlPlane, actor, [
    {
      operation: 'replayDeadLetters',
      entity: 'Company',
      entityId: input.companyId,
      after: { module: input.module ?? null, ids: input.ids ?? null, replayed },
    },
  ]);
  return { replayed };
}

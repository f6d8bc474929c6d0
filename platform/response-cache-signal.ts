import { sql } from 'kysely';
import type { ControlPlaneExecutor } from './control-plane';
import { isModuleName, type ModuleName } from './modules';

/**
 * The control plane's channel on which every gateway hears that a tenant's
 * data changed, so that its response cache stops serving what it kept of that
 * tenant (docs/response-cache.md). The worker says it after relaying a batch of
 * outbox events; a gateway says it after running a mutation.
 */
export const RESPONSE_CACHE_CHANNEL = 'fluxo_response_cache';

/**
 * Who said a tenant's data changed: the relay of outbox events (`event`), the
 * relay having found its tables written by anyone (`data`: the marks of
 * migrations/tenant/data-changes.ts, or a restore), or a gateway that ran a
 * mutation.
 */
export type ChangeSource = 'event' | 'data' | 'mutation';

/** What changed: the company, and the modules whose answers may have changed (null: every module, and the platform's own data). */
export interface TenantChange {
  companyId: string;
  modules: ModuleName[] | null;
  source: ChangeSource;
}

/** The notification's payload: small JSON, far below PostgreSQL's 8000-byte limit even with every module named. */
export function encodeChange(change: TenantChange): string {
  return JSON.stringify({ c: change.companyId, m: change.modules, s: change.source });
}

/** The change a payload announces, or null for one this release cannot read (it is then taken as a change of everything). */
export function decodeChange(payload: string): TenantChange | null {
  try {
    const value = JSON.parse(payload) as { c?: unknown; m?: unknown; s?: unknown };
    if (typeof value.c !== 'string' || value.c === '') return null;
    const source: ChangeSource = value.s === 'event' || value.s === 'data' ? value.s : 'mutation';
    if (value.m === null) return { companyId: value.c, modules: null, source };
    if (!Array.isArray(value.m) || !value.m.every((m) => typeof m === 'string' && isModuleName(m))) return null;
    return { companyId: value.c, modules: value.m as ModuleName[], source };
  } catch {
    return null;
  }
}

/** Tells every gateway (NOTIFY on the control plane) that a tenant's data changed. */
export async function announceChange(controlPlane: ControlPlaneExecutor, change: TenantChange): Promise<void> {
  await sql`SELECT pg_notify(${RESPONSE_CACHE_CHANNEL}, ${encodeChange(change)})`.execute(controlPlane);
}

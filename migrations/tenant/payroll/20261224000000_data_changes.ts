import type { Kysely } from 'kysely';
import { unwatchDataChangesV1, watchDataChangesV1 } from '../data-changes';

// Every write to the module's tables, by whatever writer, leaves a mark the
// relay announces to the gateways' response caches, so a cached answer never
// outlives a change made without the gateway (docs/response-cache.md).
export async function up(db: Kysely<any>): Promise<void> {
  await watchDataChangesV1(db, 'payroll');
}

export async function down(db: Kysely<any>): Promise<void> {
  await unwatchDataChangesV1(db, 'payroll');
}

import { sql } from 'kysely';
import type { CompanyRow, ControlPlaneExecutor, NewCompany } from '../../../platform/control-plane';
import type { ModuleName } from '../../../platform/modules';
import { cursorTimestamp, type CursorValues } from '../../kit/pagination';
import { isUuid } from '../../../platform/ids';

export function insertCompany(db: ControlPlaneExecutor, values: NewCompany): Promise<CompanyRow> {
  return db.insertInto('company').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findCompany(db: ControlPlaneExecutor, id: string): Promise<CompanyRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('company').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCompanyBySlug(db: ControlPlaneExecutor, slug: string): Promise<CompanyRow | undefined> {
  return db.selectFrom('company').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findCompanyByRequest(db: ControlPlaneExecutor, requestId: string): Promise<CompanyRow | undefined> {
  return db.selectFrom('company').selectAll().where('subscription_request_id', '=', requestId).executeTakeFirst();
}

export function findCompaniesByIds(db: ControlPlaneExecutor, ids: readonly string[]): Promise<CompanyRow[]> {
  return db.selectFrom('company').selectAll().where('id', 'in', ids).execute();
}

export function findCompaniesByRequests(db: ControlPlaneExecutor, requestIds: readonly string[]): Promise<CompanyRow[]> {
  return db.selectFrom('company').selectAll().where('subscription_request_id', 'in', requestIds).execute();
}

/** Slugs already taken that start with `base`, to pick the next free one. */
export async function slugsLike(db: ControlPlaneExecutor, base: string): Promise<string[]> {
  const rows = await db.selectFrom('company').select('slug').where('slug', 'like', `${base}%`).execute();
  return rows.map((r) => r.slug);
}

export function listCompanies(
  db: ControlPlaneExecutor,
  page: { after: CursorValues | null; limit: number },
): Promise<Array<CompanyRow & { cursor_created_at: string }>> {
  let query = db.selectFrom('company').selectAll().select(cursorTimestamp('created_at').as('cursor_created_at'));
  if (page.after) {
    const [createdAt, id] = page.after;
    query = query.where(sql<boolean>`(created_at, id) > (${String(createdAt)}::timestamptz, ${String(id)}::uuid)`);
  }
  return query.orderBy('created_at').orderBy('id').limit(page.limit).execute();
}

export async function countCompanies(db: ControlPlaneExecutor): Promise<number> {
  const row = await db
    .selectFrom('company')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function setCompanyModules(db: ControlPlaneExecutor, id: string, modules: ModuleName[]): Promise<CompanyRow> {
  return db.updateTable('company').set({ modules }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function setCompanyOrigins(db: ControlPlaneExecutor, id: string, origins: string[]): Promise<CompanyRow> {
  return db.updateTable('company').set({ cors_origins: origins }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function setCompanyAuditRetention(db: ControlPlaneExecutor, id: string, years: number): Promise<CompanyRow> {
  return db.updateTable('company').set({ audit_retention_years: years }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

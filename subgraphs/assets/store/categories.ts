import { sql } from 'kysely';
import type { AssetsExecutor, CategoryRow, LocationRow } from './db';

/**
 * Returns the category of that name (ignoring case), creating it if needed.
 * One statement, so two registrations racing for a new category both get the same row.
 */
export function findOrCreateCategory(db: AssetsExecutor, name: string): Promise<CategoryRow> {
  return db
    .insertInto('assets.category')
    .values({ name })
    .onConflict((oc) => oc.expression(sql`lower(name)`).doUpdateSet({ name: sql`assets.category.name` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findCategoriesByIds(db: AssetsExecutor, ids: readonly string[]): Promise<CategoryRow[]> {
  return db.selectFrom('assets.category').selectAll().where('id', 'in', ids).execute();
}

export function listCategories(db: AssetsExecutor): Promise<CategoryRow[]> {
  return db.selectFrom('assets.category').selectAll().orderBy('name').orderBy('id').execute();
}

/** Like findOrCreateCategory, for locations. */
export function findOrCreateLocation(db: AssetsExecutor, name: string): Promise<LocationRow> {
  return db
    .insertInto('assets.location')
    .values({ name })
    .onConflict((oc) => oc.expression(sql`lower(name)`).doUpdateSet({ name: sql`assets.location.name` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findLocationsByIds(db: AssetsExecutor, ids: readonly string[]): Promise<LocationRow[]> {
  return db.selectFrom('assets.location').selectAll().where('id', 'in', ids).execute();
}

export function listLocations(db: AssetsExecutor): Promise<LocationRow[]> {
  return db.selectFrom('assets.location').selectAll().orderBy('name').orderBy('id').execute();
}

import type { ControlPlaneExecutor, IdentityProviderRow } from '../../../platform/control-plane';

// Companies' OpenID Connect providers in the control plane.

export function findIdentityProvider(db: ControlPlaneExecutor, companyId: string): Promise<IdentityProviderRow | undefined> {
  return db.selectFrom('identity_provider').selectAll().where('company_id', '=', companyId).executeTakeFirst();
}

/** The company that trusts this issuer for this audience, if any (the pair is unique). */
export function findIdentityProviderByAudience(db: ControlPlaneExecutor, issuer: string, audience: string): Promise<IdentityProviderRow | undefined> {
  return db.selectFrom('identity_provider').selectAll().where('issuer', '=', issuer).where('audience', '=', audience).executeTakeFirst();
}

/** The companies that trust this issuer for one of these audiences (one at most, unless a token names several audiences). */
export function findIdentityProvidersOfAudiences(db: ControlPlaneExecutor, issuer: string, audiences: string[]): Promise<IdentityProviderRow[]> {
  return db.selectFrom('identity_provider').selectAll().where('issuer', '=', issuer).where('audience', 'in', audiences).execute();
}

/** Names the company's provider, replacing the one before. */
export function upsertIdentityProvider(
  db: ControlPlaneExecutor,
  provider: { companyId: string; issuer: string; clientId: string; audience: string },
): Promise<IdentityProviderRow> {
  return db
    .insertInto('identity_provider')
    .values({ company_id: provider.companyId, issuer: provider.issuer, client_id: provider.clientId, audience: provider.audience })
    .onConflict((oc) =>
      oc.column('company_id').doUpdateSet({ issuer: provider.issuer, client_id: provider.clientId, audience: provider.audience, updated_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function deleteIdentityProvider(db: ControlPlaneExecutor, companyId: string): Promise<IdentityProviderRow | undefined> {
  return db.deleteFrom('identity_provider').where('company_id', '=', companyId).returningAll().executeTakeFirst();
}

/** The provider of the company with this slug, in one statement whether or not the company exists. */
export function findIdentityProviderBySlug(db: ControlPlaneExecutor, slug: string): Promise<IdentityProviderRow | undefined> {
  return db
    .selectFrom('identity_provider')
    .innerJoin('company', 'company.id', 'identity_provider.company_id')
    .selectAll('identity_provider')
    .where('company.slug', '=', slug)
    .executeTakeFirst();
}

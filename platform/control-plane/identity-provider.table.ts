import type { ColumnType, Selectable } from 'kysely';

/** A company's OpenID Connect provider, whose tokens its people sign in with. */
export interface IdentityProviderTable {
  company_id: string;
  /** Exactly the `iss` of the provider's tokens (and the base of its discovery document). */
  issuer: string;
  client_id: string;
  /** The `aud` the company's tokens carry; the client id unless the provider says otherwise. */
  audience: string;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}
export type IdentityProviderRow = Selectable<IdentityProviderTable>;

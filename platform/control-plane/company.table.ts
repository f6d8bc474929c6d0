import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ModuleName } from '../modules';

export interface CompanyTable {
  id: Generated<string>;
  name: string;
  slug: string;
  contact_email: string;
  modules: ModuleName[];
  subscription_request_id: string | null;
  /** Browser origins of the company's own console, allowed for its callers only. */
  cors_origins: Generated<string[]>;
  /** Years the tenant's audit trail is kept; `fluxo audit purge` never deletes newer rows. */
  audit_retention_years: Generated<number>;
  created_at: ColumnType<Date, never, never>;
}
export type CompanyRow = Selectable<CompanyTable>;
export type NewCompany = Insertable<CompanyTable>;

import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ModuleName } from '../modules';

export type SubscriptionRequestStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface SubscriptionRequestTable {
  id: Generated<string>;
  company_name: string;
  contact_email: string;
  modules: ModuleName[];
  plan_code: string | null;
  status: Generated<SubscriptionRequestStatus>;
  created_at: ColumnType<Date, never, never>;
  decided_at: Date | null;
  decided_by: string | null;
  rejection_reason: string | null;
  /** SHA-256 of the requester's status token (shown once); null for requests made before tokens existed. */
  status_token_hash: Buffer | null;
}
export type SubscriptionRequestRow = Selectable<SubscriptionRequestTable>;
export type NewSubscriptionRequest = Insertable<SubscriptionRequestTable>;
export type SubscriptionRequestUpdate = Updateable<SubscriptionRequestTable>;

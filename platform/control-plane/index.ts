import type { Kysely, Transaction } from 'kysely';
import type { AccessKeyTable } from './access-key.table';
import type { AuditLogTable } from './audit-log.table';
import type { CompanyTable } from './company.table';
import type { IdentityProviderTable } from './identity-provider.table';
import type {
  AppUserTable,
  CompanyRoleTable,
  InvitationTable,
  MembershipRoleTable,
  MembershipTable,
  RefreshTokenTable,
  UserSessionTable,
} from './people.table';
import type { PlanTable } from './plan.table';
import type { PublicEventTable, WebhookDeliveryAttemptTable, WebhookDeliveryTable, WebhookEndpointTable } from './public-event.table';
import type { SubscriptionRequestTable } from './subscription-request.table';
import type { TenantMoveTable } from './tenant-move.table';
import type { TenantTable } from './tenant.table';

export * from './access-key.table';
export * from './audit-log.table';
export * from './company.table';
export * from './identity-provider.table';
export * from './people.table';
export * from './plan.table';
export * from './public-event.table';
export * from './subscription-request.table';
export * from './tenant.table';
export * from './tenant-move.table';

/** The control-plane (global) database. */
export interface ControlPlaneDB {
  plan: PlanTable;
  subscription_request: SubscriptionRequestTable;
  company: CompanyTable;
  tenant: TenantTable;
  tenant_move: TenantMoveTable;
  access_key: AccessKeyTable;
  audit_log: AuditLogTable;
  app_user: AppUserTable;
  company_role: CompanyRoleTable;
  membership: MembershipTable;
  membership_role: MembershipRoleTable;
  invitation: InvitationTable;
  user_session: UserSessionTable;
  refresh_token: RefreshTokenTable;
  identity_provider: IdentityProviderTable;
  public_event: PublicEventTable;
  webhook_endpoint: WebhookEndpointTable;
  webhook_delivery: WebhookDeliveryTable;
  webhook_delivery_attempt: WebhookDeliveryAttemptTable;
}

export type ControlPlane = Kysely<ControlPlaneDB>;
export type ControlPlaneExecutor = Kysely<ControlPlaneDB> | Transaction<ControlPlaneDB>;

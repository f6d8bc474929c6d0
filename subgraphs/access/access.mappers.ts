import type {
  AccessKeyRow,
  AppUserRow,
  CompanyRow,
  IdentityProviderRow,
  InvitationRow,
  MembershipRow,
  PlanRow,
  RoleAssignment,
  SubscriptionRequestRow,
  TenantRow,
  UserSessionRow,
} from '../../platform/control-plane';
import type { RoleScope } from '../../platform/permissions';
import type { WebhookDeliveryAttemptRow, WebhookEndpointRow } from '../../platform/control-plane';
import type { PublicEventType } from '../contracts/public-events';
import type { Connection, Edge } from '../kit/pagination';
import type { DeadLetter } from './services/dead-letters';
import type { OverviewAggregates } from './domain/overview-metrics';
import type { AuditEntryRecord } from './store/audit-log';

// Parent types of the access subgraph's resolvers: rows as the store returns them.
export type PlanMapper = PlanRow;
export type SubscriptionRequestMapper = SubscriptionRequestRow;
export type CompanyMapper = CompanyRow;
export type AccessKeyMapper = AccessKeyRow;
export interface MeMapper {
  companyId: string;
  keyId: string | null;
  userId: string | null;
}
export type UserMapper = AppUserRow;
export type MemberMapper = MembershipRow & { roles: RoleAssignment[] };
export type SessionMapper = UserSessionRow;
export type InvitationMapper = InvitationRow;
export type IdentityProviderMapper = IdentityProviderRow;
export interface CompanyRoleMapper {
  code: string;
  name: string;
  description: string | null;
  scope: RoleScope;
  permissions: string[];
  builtIn: boolean;
}
export type SubscriptionRequestConnectionMapper = Connection<SubscriptionRequestRow>;
export type SubscriptionRequestEdgeMapper = Edge<SubscriptionRequestRow>;
export type CompanyConnectionMapper = Connection<CompanyRow>;
export type CompanyEdgeMapper = Edge<CompanyRow>;
/** The overview entity as access sees it: its key, the company, and, when the plan asks for crossModule, the aggregates each module brings. */
export interface OverviewMapper extends OverviewAggregates {
  tenantId: string;
  companyId: string;
}
/** The cross-module metrics: the tenant and the aggregates they are computed from. */
export interface CrossModuleOverviewMapper extends OverviewAggregates {
  tenantId: string;
}
export type DeadLetterMapper = DeadLetter;
export type DeadLetterConnectionMapper = Connection<DeadLetter>;
export type DeadLetterEdgeMapper = Edge<DeadLetter>;
export type AuditEntryMapper = AuditEntryRecord;
export type AuditEntryConnectionMapper = Connection<AuditEntryRecord>;
export type AuditEntryEdgeMapper = Edge<AuditEntryRecord>;
export type RequestStatusViewMapper = SubscriptionRequestRow;
export type RequestedCompanyMapper = CompanyRow;
export type TenantMapper = TenantRow;
export type PublicEventTypeMapper = PublicEventType;
export type WebhookEndpointMapper = WebhookEndpointRow;
export type WebhookDeliveryAttemptMapper = WebhookDeliveryAttemptRow;
export type WebhookDeliveryAttemptConnectionMapper = Connection<WebhookDeliveryAttemptRow>;
export type WebhookDeliveryAttemptEdgeMapper = Edge<WebhookDeliveryAttemptRow>;

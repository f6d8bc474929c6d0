import type { AccessKeyRow, CompanyRow, PlanRow, SubscriptionRequestRow } from '../../platform/control-plane';
import type { Connection, Edge } from '../kit/pagination';

// Parent types of the access subgraph's resolvers: rows as the store returns them.
export type PlanMapper = PlanRow;
export type SubscriptionRequestMapper = SubscriptionRequestRow;
export type CompanyMapper = CompanyRow;
export type AccessKeyMapper = AccessKeyRow;
export interface MeMapper {
  companyId: string;
  keyId: string;
}
export type SubscriptionRequestConnectionMapper = Connection<SubscriptionRequestRow>;
export type SubscriptionRequestEdgeMapper = Edge<SubscriptionRequestRow>;
export type CompanyConnectionMapper = Connection<CompanyRow>;
export type CompanyEdgeMapper = Edge<CompanyRow>;
export interface OverviewMapper {
  tenantId: string;
  companyId: string;
}
export interface CrossModuleOverviewMapper {
  tenantId: string;
}

// The assets module's vocabulary, shared by domain, store and resolvers.

export type AssetStatus = 'IN_STOCK' | 'ASSIGNED' | 'IN_MAINTENANCE' | 'DISPOSED';
export type DepreciationMethod = 'STRAIGHT_LINE' | 'DECLINING_BALANCE';
export type MaintenanceStatus = 'SCHEDULED' | 'COMPLETED';
/** An employee's status as the employees module announces it. */
export type EmployeeStatus = 'ACTIVE' | 'ON_LEAVE' | 'TERMINATED';

/** A business rule said no: a stable code and a sentence; the caller adds the input field. */
export interface Refusal {
  code: string;
  message: string;
}

import type { AssetStatus, EmployeeStatus, Refusal } from './types';

/**
 * The facts an asset's status follows. Status is never set by hand: it is
 * derived from these, so it cannot drift from the custody and maintenance rows.
 *
 * Decisions (the issue leaves them open):
 * - Scheduling maintenance puts the asset IN_MAINTENANCE at once, whatever the
 *   scheduled date; completing it returns the asset to ASSIGNED if someone
 *   still holds it, else to IN_STOCK.
 * - An ASSIGNED asset may go to maintenance and keeps its assignment (the
 *   holder stays responsible for it while it is repaired); it may also be
 *   returned while in maintenance. Nobody can be given an asset in maintenance.
 * - Disposal needs an asset that is neither assigned nor in maintenance:
 *   return it and complete the maintenance first (no silent custody changes).
 */
export interface AssetState {
  disposed: boolean;
  inMaintenance: boolean;
  assigned: boolean;
}

export function deriveStatus(state: AssetState): AssetStatus {
  if (state.disposed) return 'DISPOSED';
  if (state.inMaintenance) return 'IN_MAINTENANCE';
  if (state.assigned) return 'ASSIGNED';
  return 'IN_STOCK';
}

const refuse = (code: string, message: string): Refusal => ({ code, message });

const DISPOSED = refuse('ASSET_DISPOSED', 'The asset has been disposed of');

export function refuseAssignment(state: AssetState): Refusal | null {
  if (state.disposed) return DISPOSED;
  if (state.inMaintenance) return refuse('ASSET_IN_MAINTENANCE', 'The asset is in maintenance; complete the maintenance before assigning it');
  if (state.assigned) return refuse('ASSET_ALREADY_ASSIGNED', 'The asset is already assigned; return it first');
  return null;
}

export function refuseReturn(state: AssetState): Refusal | null {
  if (state.disposed) return DISPOSED;
  if (!state.assigned) return refuse('ASSET_NOT_ASSIGNED', 'The asset is not assigned to anyone');
  return null;
}

export function refuseMaintenance(state: AssetState): Refusal | null {
  if (state.disposed) return DISPOSED;
  if (state.inMaintenance) return refuse('ASSET_IN_MAINTENANCE', 'The asset already has an open maintenance');
  return null;
}

export function refuseDisposal(state: AssetState): Refusal | null {
  if (state.disposed) return refuse('ASSET_DISPOSED', 'The asset has already been disposed of');
  if (state.inMaintenance) return refuse('ASSET_IN_MAINTENANCE', 'The asset is in maintenance; complete the maintenance before disposing of it');
  if (state.assigned) return refuse('ASSET_ASSIGNED', 'The asset is assigned; return it before disposing of it');
  return null;
}

/** Only an employee the projection knows as ACTIVE may receive an asset. */
export function refuseHolder(employeeStatus: EmployeeStatus | null): Refusal | null {
  if (employeeStatus === null) return refuse('EMPLOYEE_NOT_FOUND', 'No employee with this id is known to the assets module');
  if (employeeStatus !== 'ACTIVE') return refuse('EMPLOYEE_NOT_ACTIVE', `The employee is ${employeeStatus.toLowerCase().replace('_', ' ')}, not active`);
  return null;
}

/** An employee holding an asset but no longer active shows as an inactive holder. */
export function isActiveHolder(employeeStatus: EmployeeStatus | null): boolean {
  return employeeStatus === 'ACTIVE';
}

import { scalarResolvers } from '../../kit/scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { assetResolvers } from './assets';
import { custodyResolvers } from './custody';
import { employeeResolvers } from './employees';
import { financeResolvers } from './finance';
import { ledgerResolvers } from './ledger';
import { maintenanceResolvers } from './maintenance';
import { overviewResolvers } from './overview';
import { registryResolvers } from './registry';

const parts: Resolvers[] = [assetResolvers, registryResolvers, custodyResolvers, maintenanceResolvers, financeResolvers, employeeResolvers, ledgerResolvers, overviewResolvers];

/** The assets subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = { ...scalarResolvers };
for (const part of parts) {
  for (const [type, fields] of Object.entries(part)) {
    const target = resolvers as Record<string, object>;
    target[type] = { ...(target[type] ?? {}), ...fields };
  }
}

import { mergeResolvers } from '../../kit/resolvers';
import type { Resolvers } from '../generated/resolvers-types';
import { assetResolvers } from './assets';
import { custodyResolvers } from './custody';
import { customFieldResolvers } from './custom-fields';
import { employeeResolvers } from './employees';
import { financeResolvers } from './finance';
import { ledgerResolvers } from './ledger';
import { maintenanceResolvers } from './maintenance';
import { overviewResolvers } from './overview';
import { registryResolvers } from './registry';

/** The assets subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = mergeResolvers<Resolvers>(
  assetResolvers,
  registryResolvers,
  custodyResolvers,
  maintenanceResolvers,
  financeResolvers,
  employeeResolvers,
  ledgerResolvers,
  overviewResolvers,
  customFieldResolvers,
);

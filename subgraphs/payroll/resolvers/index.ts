import { scalarResolvers } from '../../kit/scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { overviewResolvers } from './overview';
import { payRunResolvers } from './pay-runs';
import { payslipResolvers } from './payslips';
import { settingsResolvers } from './settings';

const parts: Resolvers[] = [settingsResolvers, payRunResolvers, payslipResolvers, overviewResolvers];

/** The payroll subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = { ...scalarResolvers };
for (const part of parts) {
  for (const [type, fields] of Object.entries(part)) {
    const target = resolvers as Record<string, object>;
    target[type] = { ...(target[type] ?? {}), ...fields };
  }
}

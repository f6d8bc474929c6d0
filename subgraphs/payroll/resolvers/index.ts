import { mergeResolvers } from '../../kit/resolvers';
import type { Resolvers } from '../generated/resolvers-types';
import { overviewResolvers } from './overview';
import { payRunResolvers } from './pay-runs';
import { payslipResolvers } from './payslips';
import { settingsResolvers } from './settings';

/** The payroll subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = mergeResolvers<Resolvers>(settingsResolvers, payRunResolvers, payslipResolvers, overviewResolvers);

import type { Transaction } from 'kysely';
import type { EventConsumer } from '../../platform/outbox';
import { postFromEvent } from './services/postings';
import type { FinanceDB } from './store/db';

/**
 * Events of other modules that carry a `posting` for the ledger: payroll's
 * posted pay runs and the asset register's acquisitions, depreciation and
 * disposals. Each becomes exactly one journal entry.
 */
export const POSTING_EVENT_TYPES = ['PayRunPosted', 'AssetRegistered', 'AssetDepreciated', 'AssetDisposed'] as const;

export const consumers: EventConsumer[] = [
  {
    module: 'FINANCE',
    eventTypes: POSTING_EVENT_TYPES,
    handle: async (trx, event) => {
      await postFromEvent(trx as Transaction<FinanceDB>, event);
    },
  },
];

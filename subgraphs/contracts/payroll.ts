import { z } from 'zod';
import { defineEvent, type PayloadOf } from './event';
import { LedgerPosting } from './posting';
import { isoDate, uuid } from './primitives';

/**
 * A pay run was posted. `posting` is the journal entry finance books, balanced
 * to the cent; its reference is the pay run id, which finance records as the
 * entry's source { module: 'payroll', reference }.
 */
export const PayRunPosted = defineEvent({
  type: 'PayRunPosted',
  source: 'PAYROLL',
  aggregateType: 'PayRun',
  aggregateIdOf: (p) => p.payRunId,
  payload: z.object({ payRunId: uuid, periodStart: isoDate, periodEnd: isoDate, payDate: isoDate, posting: LedgerPosting }),
});
export type PayRunPostedPayload = PayloadOf<typeof PayRunPosted>;

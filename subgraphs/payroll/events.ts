import type { DomainEvent } from '../../platform/outbox';
import { postingMemo, type PostingLine } from './domain/posting';

/**
 * The events the payroll module publishes: a contract with other modules.
 * Finance's consumer turns PayRunPosted into exactly one journal entry, so a
 * payload field is never renamed or removed, only added.
 */

/** A pay run was posted. `posting` is the journal entry finance books, balanced to the cent. */
export type PayRunPosted = {
  payRunId: string;
  periodStart: string;
  periodEnd: string;
  payDate: string;
  posting: {
    /** The pay run id: finance records it as the entry's source { module: 'payroll', reference }. */
    reference: string;
    /** The pay date. */
    date: string;
    memo: string;
    lines: PostingLine[];
  };
};

export const PAY_RUN_AGGREGATE = 'PayRun';

export function payRunPosted(run: { id: string; period_start: string; period_end: string; pay_date: string }, lines: PostingLine[]): DomainEvent<PayRunPosted> {
  return {
    type: 'PayRunPosted',
    aggregateType: PAY_RUN_AGGREGATE,
    aggregateId: run.id,
    payload: {
      payRunId: run.id,
      periodStart: run.period_start,
      periodEnd: run.period_end,
      payDate: run.pay_date,
      posting: { reference: run.id, date: run.pay_date, memo: postingMemo(run.period_start, run.period_end), lines },
    },
  };
}

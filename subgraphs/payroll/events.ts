import type { DomainEvent } from '../../platform/outbox';
import { buildEvent } from '../contracts/event';
import { PayRunPosted, type PayRunPostedPayload } from '../contracts/payroll';
import type { LedgerPostingLine } from '../contracts/posting';
import { postingMemo } from './domain/posting';

/**
 * PayRunPosted of a run (subgraphs/contracts/payroll.ts): finance books its
 * posting, balanced to the cent, with the run id as the entry's reference.
 */
export function payRunPosted(
  run: { id: string; period_start: string; period_end: string; pay_date: string },
  lines: LedgerPostingLine[],
): DomainEvent<PayRunPostedPayload> {
  return buildEvent(PayRunPosted, {
    payRunId: run.id,
    periodStart: run.period_start,
    periodEnd: run.period_end,
    payDate: run.pay_date,
    posting: { reference: run.id, date: run.pay_date, memo: postingMemo(run.period_start, run.period_end), lines },
  });
}

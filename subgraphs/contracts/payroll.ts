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

/** The run every state change of a pay run names: which month it pays and when. No amounts, no people. */
const PayRunStatePayload = z.object({ payRunId: uuid, periodStart: isoDate, periodEnd: isoDate, payDate: isoDate });

function payRunStateChange<Type extends string>(type: Type) {
  return defineEvent({ type, source: 'PAYROLL', aggregateType: 'PayRun', aggregateIdOf: (p) => p.payRunId, payload: PayRunStatePayload });
}

/** A pay run was created, in DRAFT. */
export const PayRunCreated = payRunStateChange('PayRunCreated');
/** A pay run's payslips were (re)calculated: it is CALCULATED. Each recalculation publishes one. */
export const PayRunCalculated = payRunStateChange('PayRunCalculated');
/** A calculated pay run was approved. */
export const PayRunApproved = payRunStateChange('PayRunApproved');
/** A pay run was cancelled before posting; its payslips no longer count. */
export const PayRunCancelled = payRunStateChange('PayRunCancelled');
export type PayRunStatePayload = z.infer<typeof PayRunStatePayload>;

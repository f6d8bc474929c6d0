import type { DomainEvent } from '../../platform/outbox';
import { buildEvent } from '../contracts/event';
import {
  PayRunApproved,
  PayRunCalculated,
  PayRunCancelled,
  PayRunCreated,
  PayRunPosted,
  type PayRunPostedPayload,
  type PayRunStatePayload,
} from '../contracts/payroll';
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

type RunDates = { id: string; period_start: string; period_end: string; pay_date: string };
const stateOf = (run: RunDates): PayRunStatePayload => ({ payRunId: run.id, periodStart: run.period_start, periodEnd: run.period_end, payDate: run.pay_date });

/*
 * The other state changes of a run. No module consumes them today; they are
 * published so that the company's own systems learn of them as public events
 * (webhooks, live updates), through the same outbox as PayRunPosted.
 */
export const payRunCreated = (run: RunDates): DomainEvent<PayRunStatePayload> => buildEvent(PayRunCreated, stateOf(run));
export const payRunCalculated = (run: RunDates): DomainEvent<PayRunStatePayload> => buildEvent(PayRunCalculated, stateOf(run));
export const payRunApproved = (run: RunDates): DomainEvent<PayRunStatePayload> => buildEvent(PayRunApproved, stateOf(run));
export const payRunCancelled = (run: RunDates): DomainEvent<PayRunStatePayload> => buildEvent(PayRunCancelled, stateOf(run));

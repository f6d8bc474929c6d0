import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { firstUuidIn, isUuid } from '../../../platform/ids';
import type { ModuleName } from '../../../platform/modules';
import type { Actor } from '../../kit/actor';
import { accountableParty, separationOfDutiesError } from '../../kit/duties';
import { failWith, userError } from '../../kit/errors';
import { createOncePerKey, keyedRequest, type IdempotentRequest, type Keyed } from '../../kit/idempotency';
import { refuse } from '../../kit/validation';
import { isCalendarMonth } from '../domain/dates';
import {
  calculatePayRun as calculatePayslips,
  PAY_RUN_TOTAL_LIMIT_TEXT,
  PAYSLIP_AMOUNT_LIMIT_TEXT,
  type EmployeePayslipDraft,
} from '../domain/pay-run-calculation';
import { transition, type PayRunAction } from '../domain/pay-run-state';
import { payRunPostingLines } from '../domain/posting';
import { payRunApproved, payRunCalculated, payRunCancelled, payRunCreated, payRunPosted } from '../events';
import type { PayrollDB } from '../store/db';
import type { PayRunRow, PayRunUpdate } from '../store/pay-run.table';
import { findPayRunsByIds, insertPayRun, lockPayRun, updatePayRun } from '../store/pay-runs';
import type { NewPayslipLine } from '../store/payslip-line.table';
import type { NewPayslip } from '../store/payslip.table';
import { deletePayslipsOfRun, insertPayslips, markPayslipsCancelled, sumLinesOfRun } from '../store/payslips';
import { findEmploymentsInPeriod } from '../store/projection';
import { readControls, readSettings, termsOf } from '../store/settings';

type Trx = Transaction<PayrollDB>;

/** The pay run a mutation acts on. */
export interface PayRunRef {
  payRunId: string;
}

/**
 * A pay run change under the client's idempotency key, if any: a retry of the
 * same request gets the run back as it is now and changes nothing.
 */
function oncePerKey(trx: Trx, request: IdempotentRequest, work: () => Promise<{ payRun: PayRunRow }>): Promise<{ payRun: PayRunRow }> {
  return createOncePerKey(trx, request, 'payRun', async (id) => (await findPayRunsByIds(trx, [id]))[0], work);
}

/** The run, locked for the rest of the transaction, after checking that `action` is allowed in its state. */
async function lockForAction(trx: Trx, payRunId: string, action: PayRunAction): Promise<{ run: PayRunRow; to: PayRunRow['status'] }> {
  const run = isUuid(payRunId) ? await lockPayRun(trx, payRunId) : undefined;
  if (!run) failWith('input.payRunId', `No pay run ${payRunId}`, 'NOT_FOUND');
  const next = transition(run.status, action);
  if (!next.allowed) failWith('input.payRunId', next.reason, 'INVALID_STATE');
  return { run, to: next.to };
}

/** Applies a transition and audits it under the mutation's operation. */
async function moveRun(trx: Trx, actor: Actor, run: PayRunRow, changes: PayRunUpdate): Promise<{ payRun: PayRunRow }> {
  const payRun = await updatePayRun(trx, run.id, changes);
  actor.audit({ entity: 'PayRun', entityId: run.id, before: { status: run.status }, after: { status: payRun.status, net: payRun.net } });
  return { payRun };
}

export interface NewPayRunInput {
  periodStart: string;
  periodEnd: string;
  payDate: string;
}

async function createOnce(trx: Trx, input: NewPayRunInput, actor: Actor): Promise<{ payRun: PayRunRow }> {
  // Monthly contracts state a salary per month, so a run pays exactly one calendar month.
  if (!isCalendarMonth(input.periodStart, input.periodEnd)) {
    failWith('input.periodEnd', `A pay run covers one calendar month: ${input.periodStart}–${input.periodEnd} is not one`, 'INVALID_PERIOD');
  }
  if (input.payDate < input.periodStart) failWith('input.payDate', `The pay date ${input.payDate} is before the period starts`, 'INVALID_PAY_DATE');
  const settings = await readSettings(trx);
  const payRun = await insertPayRun(trx, {
    period_start: input.periodStart,
    period_end: input.periodEnd,
    pay_date: input.payDate,
    currency: settings.currency,
  });
  actor.audit({ entity: 'PayRun', entityId: payRun.id, after: { status: payRun.status, periodStart: input.periodStart, periodEnd: input.periodEnd } });
  actor.publish(payRunCreated(payRun));
  return { payRun };
}

function payslipRows(run: PayRunRow, currency: string, drafts: readonly EmployeePayslipDraft[]): { payslips: NewPayslip[]; lines: NewPayslipLine[] } {
  const payslips: NewPayslip[] = [];
  const lines: NewPayslipLine[] = [];
  for (const draft of drafts) {
    const id = randomUUID();
    payslips.push({
      id,
      pay_run_id: run.id,
      employee_id: draft.employeeId,
      employee_number: draft.employeeNumber,
      period_start: run.period_start,
      period_end: run.period_end,
      run_cancelled: false,
      currency,
      days_paid: draft.daysPaid,
      gross: draft.gross,
      deductions: draft.deductions,
      net: draft.net,
      employer_cost: draft.employerCost,
    });
    draft.lines.forEach((line, position) =>
      lines.push({ payslip_id: id, position, kind: line.kind, code: line.code, description: line.description, amount: line.amount }),
    );
  }
  return { payslips, lines };
}

/** The employee whose payslip the exclusion constraint refused, from PostgreSQL's error detail. */
function overlappingEmployee(error: unknown): string | null {
  const e = error as { code?: string; constraint?: string; detail?: string };
  if (e.code !== '23P01' || e.constraint !== 'payslip_no_overlap') return null;
  return firstUuidIn(e.detail ?? '') ?? '';
}

/**
 * Computes every payslip in memory from one read of the projection and writes
 * them with a few multi-row INSERTs. Recalculation replaces the payslips. The
 * database refuses a payslip overlapping another non-cancelled run's payslip of
 * the same employee; that refusal becomes PERIOD_OVERLAP.
 */
async function calculateOnce(trx: Trx, input: PayRunRef, actor: Actor): Promise<{ payRun: PayRunRow }> {
  const { run, to } = await lockForAction(trx, input.payRunId, 'calculate');
  const terms = termsOf(await readSettings(trx));
  const period = { start: run.period_start, end: run.period_end };
  const result = calculatePayslips(period, await findEmploymentsInPeriod(trx, period), terms);
  if (!result.ok) {
    refuse([
      ...result.currencyMismatches.map((m) =>
        userError(
          'input.payRunId',
          `Employee ${m.employeeNumber ?? m.employeeId} has a contract in ${m.currency}; payroll pays in ${terms.currency}`,
          'CURRENCY_MISMATCH',
        ),
      ),
      ...result.oversizedPayslips.map((o) =>
        userError(
          'input.payRunId',
          `Employee ${o.employeeNumber ?? o.employeeId} would cost ${o.employerCost} ${terms.currency}; a payslip's amounts stay below ${PAYSLIP_AMOUNT_LIMIT_TEXT}`,
          'AMOUNT_TOO_LARGE',
        ),
      ),
      ...(result.totalsTooLarge
        ? [userError('input.payRunId', `The run's totals would reach ${PAY_RUN_TOTAL_LIMIT_TEXT} ${terms.currency} or more; split it`, 'AMOUNT_TOO_LARGE')]
        : []),
    ]);
  }
  if (run.status === 'CALCULATED') await deletePayslipsOfRun(trx, run.id);
  const rows = payslipRows(run, terms.currency, result.payslips);
  try {
    await insertPayslips(trx, rows.payslips, rows.lines);
  } catch (error) {
    const employeeId = overlappingEmployee(error);
    if (employeeId === null) throw error;
    const who = result.payslips.find((p) => p.employeeId === employeeId)?.employeeNumber ?? employeeId;
    failWith(
      'input.payRunId',
      `Employee ${who} already has a payslip for a period overlapping ${run.period_start}–${run.period_end} in a pay run that is not cancelled`,
      'PERIOD_OVERLAP',
    );
  }
  const moved = await moveRun(trx, actor, run, {
    status: to,
    currency: terms.currency,
    payslip_count: result.payslips.length,
    gross: result.totals.gross,
    deductions: result.totals.deductions,
    net: result.totals.net,
    employer_cost: result.totals.employerCost,
    terms: JSON.stringify(terms),
    calculated_at: new Date(),
    calculated_by: accountableParty(actor),
  });
  actor.publish(payRunCalculated(moved.payRun));
  return moved;
}

/**
 * Approves a calculated run. Unless the company turned the rule off, the
 * approver must be another party than whoever calculated it last (kit/duties):
 * the second pair of eyes is the point of approving.
 */
export async function approvePayRun(trx: Trx, input: PayRunRef, actor: Actor): Promise<{ payRun: PayRunRow }> {
  const { run, to } = await lockForAction(trx, input.payRunId, 'approve');
  const { separateApprover } = await readControls(trx);
  const rule = { enabled: separateApprover, field: 'input.payRunId', firstAct: 'calculated a pay run', secondAct: 'approve it' };
  const refusal = separationOfDutiesError(rule, run.calculated_by, accountableParty(actor));
  if (refusal) refuse([refusal]);
  const moved = await moveRun(trx, actor, run, { status: to, approved_at: new Date() });
  actor.publish(payRunApproved(moved.payRun));
  return moved;
}

export interface PostPayRunInput extends PayRunRef {
  /** The modules the company subscribes to: posting needs a ledger. */
  companyModules: readonly ModuleName[];
}

/**
 * Marks the run POSTED and publishes PayRunPosted in the same transaction:
 * finance books the entry from the event, exactly once, even after crashes.
 */
async function postOnce(trx: Trx, input: PostPayRunInput, actor: Actor): Promise<{ payRun: PayRunRow }> {
  const { run, to } = await lockForAction(trx, input.payRunId, 'post');
  if (!input.companyModules.includes('FINANCE')) {
    failWith('input.payRunId', 'The company does not subscribe to FINANCE, so there is no ledger to post the pay run to', 'FINANCE_NOT_SUBSCRIBED');
  }
  // The run's own copy of the settings: what was approved is what is posted.
  const lines = payRunPostingLines(run.terms!, await sumLinesOfRun(trx, run.id));
  if (lines.length === 0) failWith('input.payRunId', 'The pay run has no payslips; there is nothing to post (cancel it instead)', 'NOTHING_TO_POST');
  const moved = await moveRun(trx, actor, run, { status: to, posted_at: new Date() });
  actor.publish(payRunPosted(moved.payRun, lines));
  return moved;
}

export async function cancelPayRun(trx: Trx, input: PayRunRef, actor: Actor): Promise<{ payRun: PayRunRow }> {
  const { run, to } = await lockForAction(trx, input.payRunId, 'cancel');
  await markPayslipsCancelled(trx, run.id);
  const moved = await moveRun(trx, actor, run, { status: to, cancelled_at: new Date() });
  actor.publish(payRunCancelled(moved.payRun));
  return moved;
}

export function createPayRun(trx: Trx, input: NewPayRunInput & Keyed, actor: Actor): Promise<{ payRun: PayRunRow }> {
  return oncePerKey(trx, keyedRequest('PAYROLL', 'createPayRun', input), () => createOnce(trx, input, actor));
}

/** Under an idempotency key a retry does not recalculate: it gets the run as the first request left it. */
export function calculatePayRun(trx: Trx, input: PayRunRef & Keyed, actor: Actor): Promise<{ payRun: PayRunRow }> {
  return oncePerKey(trx, keyedRequest('PAYROLL', 'calculatePayRun', input), () => calculateOnce(trx, input, actor));
}

export function postPayRun(trx: Trx, input: PostPayRunInput & Keyed, actor: Actor): Promise<{ payRun: PayRunRow }> {
  // The company's modules are the server's, not the request's: the key is bound to the run alone.
  const request = keyedRequest('PAYROLL', 'postPayRun', input, () => ({ payRunId: input.payRunId }));
  return oncePerKey(trx, request, () => postOnce(trx, input, actor));
}

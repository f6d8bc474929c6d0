/**
 * The life of a pay run: DRAFT → CALCULATED → APPROVED → POSTED, and CANCELLED
 * from any state before POSTED. Recalculation is allowed until approval (it
 * replaces the payslips); a posted run is final because finance has its entry.
 */
export type PayRunStatus = 'DRAFT' | 'CALCULATED' | 'APPROVED' | 'POSTED' | 'CANCELLED';
export type PayRunAction = 'calculate' | 'approve' | 'post' | 'cancel';

const TRANSITIONS: Record<PayRunAction, { from: readonly PayRunStatus[]; to: PayRunStatus }> = {
  calculate: { from: ['DRAFT', 'CALCULATED'], to: 'CALCULATED' },
  approve: { from: ['CALCULATED'], to: 'APPROVED' },
  post: { from: ['APPROVED'], to: 'POSTED' },
  cancel: { from: ['DRAFT', 'CALCULATED', 'APPROVED'], to: 'CANCELLED' },
};

export type Transition = { allowed: true; to: PayRunStatus } | { allowed: false; reason: string };

/** Where `action` takes a run in `status`, or why it cannot. */
export function transition(status: PayRunStatus, action: PayRunAction): Transition {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(status)) return { allowed: true, to: rule.to };
  return { allowed: false, reason: `The pay run is ${status}: it cannot be ${pastTense[action]}; only ${rule.from.join(' or ')} runs can` };
}

const pastTense: Record<PayRunAction, string> = { calculate: 'calculated', approve: 'approved', post: 'posted', cancel: 'cancelled' };

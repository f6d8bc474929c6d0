import { transition, type PayRunAction, type PayRunStatus } from '../../subgraphs/payroll/domain/pay-run-state';

const STATUSES: PayRunStatus[] = ['DRAFT', 'CALCULATED', 'APPROVED', 'POSTED', 'CANCELLED'];
const ACTIONS: PayRunAction[] = ['calculate', 'approve', 'post', 'cancel'];

describe('pay run state machine', () => {
  it('allows exactly the documented transitions, everywhere else says why not', () => {
    const allowed: Record<string, PayRunStatus> = {
      'DRAFT/calculate': 'CALCULATED',
      'CALCULATED/calculate': 'CALCULATED', // recalculation until approval
      'CALCULATED/approve': 'APPROVED',
      'APPROVED/post': 'POSTED',
      'DRAFT/cancel': 'CANCELLED',
      'CALCULATED/cancel': 'CANCELLED',
      'APPROVED/cancel': 'CANCELLED',
    };
    for (const status of STATUSES) {
      for (const action of ACTIONS) {
        const result = transition(status, action);
        const expected = allowed[`${status}/${action}`];
        if (expected) expect(result).toEqual({ allowed: true, to: expected });
        else expect(result).toEqual({ allowed: false, reason: expect.stringContaining(`The pay run is ${status}: it cannot be`) });
      }
    }
  });

  it('a posted run is final and a cancelled one stays cancelled', () => {
    for (const action of ACTIONS) {
      expect(transition('POSTED', action).allowed).toBe(false);
      expect(transition('CANCELLED', action).allowed).toBe(false);
    }
    expect(transition('DRAFT', 'post')).toEqual({ allowed: false, reason: 'The pay run is DRAFT: it cannot be posted; only APPROVED runs can' });
    expect(transition('APPROVED', 'calculate')).toEqual({
      allowed: false,
      reason: 'The pay run is APPROVED: it cannot be calculated; only DRAFT or CALCULATED runs can',
    });
  });
});

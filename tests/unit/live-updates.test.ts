import { fullGrants } from '../../platform/permissions';
import type { ModuleName } from '../../platform/modules';
import type { Caller } from '../../gateway/caller';
import { visibleEventTypes } from '../../gateway/live-updates';
import type { LiveEventHub } from '../../gateway/live-updates-hub';
import { toLiveEventObject, untypedPublicEvents } from '../../gateway/live-updates-schema';
import { LiveStream } from '../../gateway/live-updates-stream';
import type { ControlPlane } from '../../platform/control-plane';

function keyCaller(modules: ModuleName[], companyModules: ModuleName[] = ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL']): Caller {
  return {
    kind: 'STANDARD',
    keyId: 'k',
    user: null,
    sessionId: null,
    clientAddress: null,
    tenant: { id: 't', slug: 'acme', companyId: 'c', database: 'd', shard: 's', companyModules },
    modules,
    grants: fullGrants(modules),
  };
}

const names = (caller: Caller) => visibleEventTypes(caller).map((t) => t.name);

describe('live updates', () => {
  it('has a GraphQL type for every public event type', () => {
    expect(untypedPublicEvents()).toEqual([]);
  });

  it('shows a credential the types of the modules it grants and the company subscribes to', () => {
    expect(names(keyCaller(['EMPLOYEES', 'FINANCE'])).filter((n) => n.startsWith('payroll.'))).toEqual([]);
    expect(names(keyCaller(['PAYROLL']))).toEqual([
      'payroll.pay_run.posted.v1',
      'payroll.pay_run.created.v1',
      'payroll.pay_run.calculated.v1',
      'payroll.pay_run.approved.v1',
      'payroll.pay_run.cancelled.v1',
    ]);
    expect(names(keyCaller(['PAYROLL'], ['EMPLOYEES']))).toEqual([]);
  });

  it('needs the permission held company-wide, not on some rows', () => {
    const member = keyCaller(['EMPLOYEES']);
    member.grants = { permissions: ['employees:directory.read'], scoped: { 'employees:directory.read': { employeeId: 'e', departmentIds: [] } } };
    expect(names(member)).toEqual([]);
    member.grants = { permissions: ['employees:directory.read'], scoped: {} };
    expect(names(member)).toEqual(['employee.hired.v1', 'employee.terminated.v1']);
    member.grants = { permissions: ['employees:manage'], scoped: {} };
    expect(names(member)).toEqual([]);
  });

  it('shows each pay run event as the state the run is in afterwards', () => {
    const event = (type: string) => ({
      id: 'e',
      seq: '7',
      company_id: 'c',
      type,
      module: 'PAYROLL',
      occurred_at: new Date('2026-01-30T10:00:00Z'),
      payload: { payRunId: 'r', periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-30' },
    });
    expect(toLiveEventObject(event('payroll.pay_run.approved.v1'))).toEqual({
      __typename: 'PayRunStateChanged',
      status: 'APPROVED',
      id: 'e',
      seq: '7',
      type: 'payroll.pay_run.approved.v1',
      module: 'PAYROLL',
      occurredAt: '2026-01-30T10:00:00.000Z',
      payRunId: 'r',
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      payDate: '2026-01-30',
    });
    expect(toLiveEventObject(event('payroll.pay_run.cancelled.v1')).status).toBe('CANCELLED');
  });
});

describe('a live stream', () => {
  const hub = { subscribe: () => () => undefined } as unknown as LiveEventHub;
  const event = (seq: number) => ({
    id: `e${seq}`,
    seq: String(seq),
    company_id: 'c',
    type: 'employee.hired.v1',
    module: 'EMPLOYEES',
    occurred_at: new Date(),
    payload: {},
  });

  it('hands events over in order, and ends a client that falls too far behind instead of holding its events without bound', async () => {
    let written = 0;
    const yielded: string[] = [];
    const ended: string[] = [];
    const stream = new LiveStream({
      hub,
      db: null as unknown as ControlPlane,
      companyId: 'c',
      accepts: () => true,
      after: null,
      replayPageSize: 10,
      maxQueued: 3,
      onYield: (seq) => yielded.push(seq),
      backlog: () => yielded.length - written,
      onEnd: (reason) => ended.push(reason),
    });
    stream.deliver(event(1));
    stream.deliver(event(2));
    expect((await stream.next()).value).toMatchObject({ seq: '1' });
    expect((await stream.next()).value).toMatchObject({ seq: '2' });
    // The second is not written yet: it counts towards the three the client may be behind.
    written = 1;
    stream.deliver(event(3));
    stream.deliver(event(4));
    expect(ended).toEqual([]);
    stream.deliver(event(5));
    expect(ended).toEqual(['overflow']);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(yielded).toEqual(['1', '2']);
  });
});

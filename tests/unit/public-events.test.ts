import { randomUUID } from 'node:crypto';
import { isPermission, permissionModule } from '../../platform/permissions';
import { PUBLIC_EVENT_TYPES, toPublicEvent } from '../../subgraphs/contracts/public-events';

describe('the public event catalogue', () => {
  it('names each type once, versioned, with its module’s read permission', () => {
    const names = PUBLIC_EVENT_TYPES.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of PUBLIC_EVENT_TYPES) {
      expect(t.name).toMatch(/^[a-z_]+(\.[a-z_]+)+\.v\d+$/);
      expect(isPermission(t.permission)).toBe(true);
      expect(permissionModule(t.permission)).toBe(t.module);
      expect(t.source.source).toBe(t.module);
    }
  });

  it('maps one internal type to at most one public type, so the public event keeps the internal id', () => {
    const sources = PUBLIC_EVENT_TYPES.map((t) => t.source.type);
    expect(new Set(sources).size).toBe(sources.length);
  });

  it('refuses an internal payload its contract refuses instead of publishing it', () => {
    const bad = { id: randomUUID(), type: 'EmployeeTerminated', source: 'EMPLOYEES' as const, occurredAt: new Date(), payload: { employeeId: 'x' } };
    expect(() => toPublicEvent(bad)).toThrow();
    const good = { ...bad, payload: { employeeId: randomUUID(), terminationDate: '2026-02-01' } };
    expect(toPublicEvent(good)).toMatchObject({ id: bad.id, type: 'employee.terminated.v1', payload: good.payload });
  });

  it('does not take an internal type from a module that does not publish it', () => {
    const forged = { id: randomUUID(), type: 'EmployeeTerminated', source: 'FINANCE' as const, occurredAt: new Date(), payload: {} };
    expect(toPublicEvent(forged)).toBeNull();
  });
});

import type { AccessKeyKind } from '../../platform/control-plane';
import { MODULES, type ModuleName } from '../../platform/modules';
import { fullGrants } from '../../platform/permissions';
import { kindWithin, permissionsToStore, validateIssueKey, type KeyGrant } from '../../subgraphs/access/domain/access-keys';

const KINDS: AccessKeyKind[] = ['STANDARD', 'PARTNER'];
const subsets: ModuleName[][] = [];
for (let mask = 1; mask < 1 << MODULES.length; mask += 1) subsets.push(MODULES.filter((_, i) => mask & (1 << i)));

describe('issuing a key within the issuer’s grant (every issuer grant × requested modules × kind)', () => {
  const company: ModuleName[] = ['ASSETS', 'EMPLOYEES', 'FINANCE'];
  const issuers: Array<KeyGrant | null> = [
    null,
    ...KINDS.flatMap((kind) => subsets.map((modules) => ({ kind, modules, permissions: fullGrants(modules).permissions, readOnly: false }))),
  ];

  it.each(issuers.map((issuer) => [issuer ? `${issuer.kind} ${issuer.modules.join('+')}` : 'operator', issuer] as const))('issuer %s', (_label, issuer) => {
    for (const modules of subsets) {
      for (const kind of KINDS) {
        const codes = validateIssueKey({ name: 'k', kind, modules }, company, issuer).map((e) => e.code);
        const expected: string[] = [];
        if (modules.some((m) => !company.includes(m))) expected.push('MODULE_NOT_SUBSCRIBED');
        if (issuer && modules.some((m) => company.includes(m) && !issuer.modules.includes(m))) expected.push('MODULE_NOT_GRANTED');
        if (issuer?.kind === 'PARTNER' && kind === 'STANDARD') expected.push('KIND_NOT_GRANTED');
        expect({ modules, kind, codes }).toEqual({ modules, kind, codes: expected });
      }
    }
  });

  it('ranks STANDARD above PARTNER', () => {
    expect(kindWithin('PARTNER', 'STANDARD')).toBe(true);
    expect(kindWithin('STANDARD', 'STANDARD')).toBe(true);
    expect(kindWithin('PARTNER', 'PARTNER')).toBe(true);
    expect(kindWithin('STANDARD', 'PARTNER')).toBe(false);
  });
});

describe('issuing a key within the issuer’s permissions', () => {
  const company: ModuleName[] = ['EMPLOYEES', 'PAYROLL'];
  const reader: KeyGrant = { kind: 'STANDARD', modules: company, permissions: ['employees:directory.read', 'payroll:runs.read'], readOnly: true };
  const codes = (input: { permissions?: string[]; readOnly?: boolean; modules?: ModuleName[] }, issuer: KeyGrant | null) =>
    validateIssueKey(
      { name: 'k', kind: 'STANDARD', modules: input.modules ?? company, permissions: input.permissions, readOnly: input.readOnly },
      company,
      issuer,
    ).map((e) => e.code);

  it('refuses a permission the issuer does not hold, an unknown one, and one outside the key’s modules', () => {
    expect(codes({ permissions: ['employees:manage'], readOnly: true }, reader)).toEqual(['PERMISSION_NOT_GRANTED']);
    expect(codes({ permissions: ['employees:everything'], readOnly: true }, reader)).toEqual(['UNKNOWN_PERMISSION']);
    expect(codes({ permissions: ['payroll:runs.read'], modules: ['EMPLOYEES'], readOnly: true }, reader)).toEqual(['PERMISSION_OUTSIDE_MODULES']);
    expect(codes({ permissions: ['employees:manage'] }, null)).toEqual([]);
  });

  it('lets a read-only issuer issue only read-only keys', () => {
    expect(codes({ permissions: ['employees:directory.read'] }, reader)).toEqual(['READ_ONLY_ISSUER']);
    expect(codes({ permissions: ['employees:directory.read'], readOnly: true }, reader)).toEqual([]);
  });

  it('stores what the issuer holds within the modules when no permissions are named; all (null) only for the operator', () => {
    expect(permissionsToStore({ name: 'k', kind: 'STANDARD', modules: ['EMPLOYEES'] }, reader)).toEqual(['employees:directory.read']);
    expect(permissionsToStore({ name: 'k', kind: 'STANDARD', modules: ['EMPLOYEES'] }, null)).toBeNull();
    expect(
      permissionsToStore({ name: 'k', kind: 'STANDARD', modules: company, permissions: ['payroll:runs.read', 'employees:directory.read'] }, reader),
    ).toEqual(['employees:directory.read', 'payroll:runs.read']);
  });
});

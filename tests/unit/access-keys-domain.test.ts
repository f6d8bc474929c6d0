import type { AccessKeyKind } from '../../platform/control-plane';
import { MODULES, type ModuleName } from '../../platform/modules';
import { kindWithin, validateIssueKey, type KeyGrant } from '../../subgraphs/access/domain/access-keys';

const KINDS: AccessKeyKind[] = ['STANDARD', 'PARTNER'];
const subsets: ModuleName[][] = [];
for (let mask = 1; mask < 1 << MODULES.length; mask += 1) subsets.push(MODULES.filter((_, i) => mask & (1 << i)));

describe('issuing a key within the issuer’s grant (every issuer grant × requested modules × kind)', () => {
  const company: ModuleName[] = ['ASSETS', 'EMPLOYEES', 'FINANCE'];
  const issuers: Array<KeyGrant | null> = [null, ...KINDS.flatMap((kind) => subsets.map((modules) => ({ kind, modules })))];

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

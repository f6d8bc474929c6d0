import { decodeChange, encodeChange } from '../../platform/response-cache-signal';

describe('the response cache signal', () => {
  it('carries the company, the modules and the source there and back', () => {
    const change = { companyId: 'c0ffee00-0000-4000-8000-000000000001', modules: ['ASSETS', 'FINANCE'] as const, source: 'event' as const };
    expect(decodeChange(encodeChange({ ...change, modules: [...change.modules] }))).toEqual({ ...change, modules: ['ASSETS', 'FINANCE'] });
    expect(decodeChange(encodeChange({ companyId: 'c1', modules: null, source: 'mutation' }))).toEqual({ companyId: 'c1', modules: null, source: 'mutation' });
    // The relay's marks of writes, and a restore.
    expect(decodeChange(encodeChange({ companyId: 'c1', modules: ['PAYROLL'], source: 'data' }))).toEqual({
      companyId: 'c1',
      modules: ['PAYROLL'],
      source: 'data',
    });
    // A source this release does not know still drops the company's answers, counted as a mutation's.
    expect(decodeChange('{"c":"c1","m":null,"s":"later"}')).toEqual({ companyId: 'c1', modules: null, source: 'mutation' });
  });

  it('reads nothing it does not understand, so the gateway drops everything rather than guess', () => {
    for (const payload of ['', 'not json', '{}', '{"c":""}', '{"c":"x","m":["HR"]}', '{"c":"x","m":"ASSETS"}', '{"c":7,"m":null}']) {
      expect({ payload, change: decodeChange(payload) }).toEqual({ payload, change: null });
    }
  });
});

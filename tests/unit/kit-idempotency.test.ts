import { canonicalAmount, requestFingerprint } from '../../subgraphs/kit/fingerprint';
import { keyedRequest } from '../../subgraphs/kit/idempotency';

const fingerprintOf = (input: Record<string, unknown>, operation = 'createRole') => {
  const request = keyedRequest('EMPLOYEES', operation, input);
  return requestFingerprint(request.operation, request.canonicalInput());
};

describe('keyedRequest', () => {
  it('binds the key to the input without the key itself, whatever the field order, null as absent', () => {
    const first = fingerprintOf({ name: 'Fire Warden', description: null, idempotencyKey: 'k-1' });
    expect(fingerprintOf({ idempotencyKey: 'k-2', name: 'Fire Warden' })).toBe(first);
    expect(fingerprintOf({ name: 'Fire Warden', description: 'Leads evacuations', idempotencyKey: 'k-1' })).not.toBe(first);
    expect(fingerprintOf({ name: 'Fire Warden' }, 'createDepartment')).not.toBe(first);
  });

  it('takes the key from the input and a module-specific binding when given one', () => {
    const request = keyedRequest('ASSETS', 'disposeAsset', { idempotencyKey: 'd-1', amount: '200.00' } as never, () => ({ amount: canonicalAmount('200.00') }));
    expect(request).toMatchObject({ module: 'ASSETS', operation: 'disposeAsset', key: 'd-1' });
    expect(request.canonicalInput()).toEqual({ amount: canonicalAmount('200') });
  });
});

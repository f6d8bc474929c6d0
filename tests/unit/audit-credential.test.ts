import { credentialOf } from '../../subgraphs/kit/actor';

// Which credential the audit says a caller came through, from what the gateway vouched for.
describe('credentialOf', () => {
  const person = { id: '6f1c2a8e-0000-4000-8000-000000000001', email: 'ada@acme.example' };

  it.each([
    ['a company key', { kind: 'STANDARD', keyId: 'k1', user: null, sessionId: null }, 'ACCESS_KEY'],
    ['a partner key', { kind: 'PARTNER', keyId: 'k2', user: null, sessionId: null }, 'ACCESS_KEY'],
    ['a key a person owns', { kind: 'USER', keyId: 'k3', user: person, sessionId: null }, 'PERSONAL_TOKEN'],
    ['a signed-in person', { kind: 'USER', keyId: null, user: person, sessionId: 's1' }, 'SESSION'],
    ['a signed-in operator', { kind: 'ADMIN', keyId: null, user: person, sessionId: 's2' }, 'SESSION'],
    ['a person without session or key', { kind: 'USER', keyId: null, user: person, sessionId: null }, 'OIDC'],
    ['the bootstrap admin token', { kind: 'ADMIN', keyId: null, user: null, sessionId: null }, 'ADMIN_TOKEN'],
    ['nobody', { kind: 'ANONYMOUS', keyId: null, user: null, sessionId: null }, null],
  ] as const)('names %s', (_, caller, expected) => {
    expect(credentialOf(caller)).toBe(expected);
  });
});

import { accountableParty, separationOfDutiesError } from '../../subgraphs/kit/duties';

describe('separation of duties (kit/duties)', () => {
  it('answers for an act with the person when there is one, else the key', () => {
    expect(accountableParty({ requestId: 'r', kind: 'USER', id: null, userId: 'u1' })).toBe('user:u1');
    // A personal access token: the key belongs to a person, so the person answers.
    expect(accountableParty({ requestId: 'r', kind: 'USER', id: 'k1', userId: 'u1' })).toBe('user:u1');
    expect(accountableParty({ requestId: 'r', kind: 'STANDARD', id: 'k1', userId: null })).toBe('key:k1');
    expect(accountableParty({ requestId: 'r', kind: 'PARTNER', id: 'k2' })).toBe('key:k2');
  });

  it('gives actors outside any request no party: the CLI, the seeder, event handling', () => {
    expect(accountableParty({ requestId: null, kind: 'CLI', id: 'root' })).toBeNull();
    expect(accountableParty({ requestId: 'r', kind: 'EVENT', id: null })).toBeNull();
    expect(accountableParty({ requestId: 'r', kind: 'ADMIN', id: null })).toBeNull();
  });

  const rule = { enabled: true, field: 'input.payRunId', firstAct: 'calculated a pay run', secondAct: 'approve it' };

  it('refuses the same party, at the rule’s field', () => {
    expect(separationOfDutiesError(rule, 'key:k1', 'key:k1')).toEqual({
      field: ['input', 'payRunId'],
      message: 'Whoever calculated a pay run cannot also approve it; another person or key must do it',
      code: 'SEPARATION_OF_DUTIES',
    });
  });

  it('lets another party, an unknown one, or anyone once the rule is off go ahead', () => {
    expect(separationOfDutiesError(rule, 'key:k1', 'key:k2')).toBeNull();
    expect(separationOfDutiesError(rule, 'user:u1', 'key:k1')).toBeNull();
    expect(separationOfDutiesError(rule, null, 'key:k1')).toBeNull();
    expect(separationOfDutiesError(rule, 'key:k1', null)).toBeNull();
    expect(separationOfDutiesError({ ...rule, enabled: false }, 'key:k1', 'key:k1')).toBeNull();
  });
});

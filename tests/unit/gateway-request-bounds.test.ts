import { checkJsonNesting, checkQuery, Refusal, rememberingQueryCheck } from '../../gateway/request-bounds';
import { guessingKey, nulIn } from '../../gateway/limits';
import type { FrontDoorLimits } from '../../platform/config';

const LIMITS: FrontDoorLimits = {
  maxBodyBytes: 1_000,
  maxNesting: 4,
  maxQueryLength: 200,
  maxTokens: 40,
  maxFields: 6,
  maxAliases: 2,
  maxRepeatedFields: 2,
  maxDirectives: 2,
};

/** The refusal's code, or null when the check passes. */
function codeOf(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof Refusal) return error.code;
    throw error;
  }
}

describe('checkJsonNesting', () => {
  it('counts brackets outside strings only, up to the limit', () => {
    expect(codeOf(() => checkJsonNesting('{"a":[[{"b":1}]]}', 4))).toBeNull();
    expect(codeOf(() => checkJsonNesting('{"a":[[[{"b":1}]]]}', 4))).toBe('JSON_TOO_DEEP');
    expect(codeOf(() => checkJsonNesting('{"a":"[[[[[[[[\\"[[[["}', 4))).toBeNull();
  });

  it('refuses 1,000,000 levels without growing the stack', () => {
    expect(codeOf(() => checkJsonNesting('['.repeat(1_000_000), 32))).toBe('JSON_TOO_DEEP');
  });
});

describe('checkQuery', () => {
  it.each([
    ['a small query', '{ plans { code name } }', null],
    ['a long text', `{ plans { code } } ${'#'.repeat(300)}`, 'QUERY_TOO_LONG'],
    ['too many tokens', `{ ${'a '.repeat(45)}}`, 'TOO_MANY_TOKENS'],
    ['deep nesting', '{ a { b { c { d { e } } } } }', 'QUERY_TOO_DEEP'],
    ['a syntax error', '{ plans { code }', 'GRAPHQL_PARSE_FAILED'],
    ['too many fields', '{ a b c d e f g }', 'TOO_MANY_FIELDS'],
    ['too many aliases', '{ x: a y: b z: c }', 'TOO_MANY_ALIASES'],
    ['one name repeated', '{ a a a }', 'TOO_MANY_REPEATED_FIELDS'],
    ['one name repeated through inline fragments', '{ a ... on Query { a } ... on Query { a } }', 'TOO_MANY_REPEATED_FIELDS'],
    ['too many directives', '{ a @skip(if: false) b @skip(if: false) c @skip(if: false) }', 'TOO_MANY_DIRECTIVES'],
  ])('%s', (_name, query, code) => {
    expect(codeOf(() => checkQuery(query, LIMITS))).toBe(code);
  });

  it('counts fields of fragments where they are defined', () => {
    expect(codeOf(() => checkQuery('{ ...F ...F ...F } fragment F on Query { a b }', LIMITS))).toBeNull();
    expect(codeOf(() => checkQuery('{ a b c ...F } fragment F on Query { d e f g }', LIMITS))).toBe('TOO_MANY_FIELDS');
  });
});

describe('rememberingQueryCheck', () => {
  // The limits object is changed under the check: a text still accepted was answered from memory, not parsed again.
  it('answers a text it passed without parsing it again', () => {
    const limits = { ...LIMITS };
    const check = rememberingQueryCheck(limits);
    check('{ a b c }');
    limits.maxFields = 1;
    expect(codeOf(() => check('{ a b c }'))).toBeNull();
    expect(codeOf(() => check('{ a b }'))).toBe('TOO_MANY_FIELDS');
  });

  it('never remembers a refused text, nor a long one, and starts over when full', () => {
    const limits = { ...LIMITS };
    const check = rememberingQueryCheck(limits, 2, 12);
    expect(codeOf(() => check('{ a b c d e f g }'))).toBe('TOO_MANY_FIELDS');
    check('{ a }');
    check('{ a b c d }'); // 13 characters: checked, not kept
    check('{ b }'); // the memory is now full
    check('{ c }'); // so it starts over with this one
    limits.maxFields = 0;
    expect(codeOf(() => check('{ a b c d e f g }'))).toBe('TOO_MANY_FIELDS');
    expect(codeOf(() => check('{ a b c d }'))).toBe('TOO_MANY_FIELDS');
    expect(codeOf(() => check('{ a }'))).toBe('TOO_MANY_FIELDS');
    expect(codeOf(() => check('{ c }'))).toBeNull();
  });
});

describe('nulIn', () => {
  it('finds the path of a NUL character, in objects and arrays', () => {
    expect(nulIn({ input: { names: ['ok', 'bad\u0000'] } })).toEqual(['input', 'names', '1']);
    expect(nulIn({ input: { names: ['ok'] } })).toBeNull();
  });

  it('finds half a surrogate pair, which PostgreSQL cannot store either, and lets whole pairs through', () => {
    expect(nulIn({ input: { name: 'a\ud800b' } })).toEqual(['input', 'name']);
    expect(nulIn({ input: { name: 'end\udfff' } })).toEqual(['input', 'name']);
    expect(nulIn({ input: { name: 'emoji \ud83d\ude00 and ✓' } })).toBeNull();
  });

  it('walks variables nested 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = { a: deep };
    expect(nulIn(deep)).toHaveLength(100_000);
  });
});

describe('guessingKey', () => {
  it('counts a guess under the key prefix and the address', () => {
    expect(guessingKey(`fluxo_${'ab'.repeat(6)}_${'A'.repeat(43)}`, '10.0.0.1')).toBe(`${'ab'.repeat(6)}|10.0.0.1`);
    expect(guessingKey('fluxo_admin_whatever', '10.0.0.1')).toBe('admin|10.0.0.1');
    expect(guessingKey('garbage', '10.0.0.1')).toBe('malformed|10.0.0.1');
  });
});

import crypto, { createHash } from 'node:crypto';
import { generateAccessKey, generateAdminToken, hashKey, keyMatches, keyPrefix } from '../../platform/access-key-format';

const KEY_FORMAT = /^fluxo_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

function secretBytes(key: string): Buffer {
  return Buffer.from(key.split('_').slice(2).join('_'), 'base64url');
}

describe('access key format', () => {
  it('generates fluxo_<12 hex prefix>_<256-bit base64url secret> keys, stored as SHA-256 of the whole key', () => {
    const key = generateAccessKey();
    expect(key.secret).toMatch(KEY_FORMAT);
    expect(key.secret.startsWith(`fluxo_${key.prefix}_`)).toBe(true);
    expect(key.prefix).toMatch(/^[0-9a-f]{12}$/);
    expect(secretBytes(key.secret)).toHaveLength(32);
    expect(key.hash).toEqual(createHash('sha256').update(key.secret).digest());
    expect(key.hash).toHaveLength(32);
    // The stored hash does not contain the secret.
    expect(key.hash.toString('hex')).not.toContain(secretBytes(key.secret).toString('hex'));
  });

  it('never repeats a prefix or a secret, and its secret bits look uniformly random', () => {
    const keys = Array.from({ length: 500 }, () => generateAccessKey());
    expect(new Set(keys.map((k) => k.prefix)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.secret)).size).toBe(keys.length);
    let ones = 0;
    let bits = 0;
    for (const k of keys) {
      for (const byte of secretBytes(k.secret)) {
        for (let b = byte; b > 0; b >>= 1) ones += b & 1;
        bits += 8;
      }
    }
    // 128 000 fair bits: the share of ones is 0.5 ± 0.0014 (1 σ); 0.49..0.51 is > 7 σ.
    expect(ones / bits).toBeGreaterThan(0.49);
    expect(ones / bits).toBeLessThan(0.51);
  });

  it('reads the prefix of a well-formed key only', () => {
    const key = generateAccessKey();
    expect(keyPrefix(key.secret)).toBe(key.prefix);
    const malformed = [
      '',
      'garbage',
      'fluxo_zzz',
      `fluxo_${key.prefix}`,
      `fluxo_${key.prefix}_`,
      `fluxo_${key.prefix.toUpperCase()}_${key.secret.slice(19)}`,
      `${key.secret}x`,
      key.secret.slice(0, -1),
      ` ${key.secret}`,
      `${key.secret}\n`,
      `Fluxo_${key.secret.slice(6)}`,
      `fluxo_${key.prefix}_${'!'.repeat(43)}`,
      generateAdminToken(),
    ];
    for (const presented of malformed) expect(keyPrefix(presented)).toBeNull();
  });

  it('matches the presented key against the stored hash', () => {
    const key = generateAccessKey();
    expect(keyMatches(key.secret, key.hash)).toBe(true);
    const other = generateAccessKey();
    expect(keyMatches(other.secret, key.hash)).toBe(false);
    // Same prefix, different secret: the prefix alone never authenticates.
    const forged = `fluxo_${key.prefix}_${other.secret.slice(-43)}`;
    expect(keyMatches(forged, key.hash)).toBe(false);
    expect(keyMatches('', key.hash)).toBe(false);
    // A stored value of the wrong length is a mismatch, not a crash.
    expect(keyMatches(key.secret, key.hash.subarray(0, 16))).toBe(false);
    expect(keyMatches(key.secret, Buffer.alloc(0))).toBe(false);
  });

  it('compares in constant time: fixed-length digests through timingSafeEqual, whatever is presented', () => {
    const key = generateAccessKey();
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      for (const presented of [key.secret, 'x', 'y'.repeat(10_000), generateAccessKey().secret]) keyMatches(presented, key.hash);
      expect(spy).toHaveBeenCalledTimes(4);
      for (const [a, b] of spy.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('hashes deterministically', () => {
    expect(hashKey('fluxo_abc')).toEqual(hashKey('fluxo_abc'));
    expect(hashKey('fluxo_abc')).not.toEqual(hashKey('fluxo_abd'));
  });

  it('generates admin tokens with 256 random bits and a distinct prefix', () => {
    const tokens = Array.from({ length: 100 }, () => generateAdminToken());
    for (const t of tokens) {
      expect(t).toMatch(/^fluxo_admin_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t.slice('fluxo_admin_'.length), 'base64url')).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Access keys look like `fluxo_<prefix>_<secret>`: the prefix (12 hex chars) is
 * public and indexes the row; the secret is 256 random bits, shown once, stored
 * only as SHA-256 of the whole key.
 */
const KEY_PATTERN = /^fluxo_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  prefix: string;
  secret: string;
  hash: Buffer;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function generateAccessKey(): GeneratedKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = `fluxo_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, secret, hash: hashKey(secret) };
}

/** The public prefix of a well-formed key, or null for anything else. */
export function keyPrefix(presented: string): string | null {
  return KEY_PATTERN.exec(presented)?.[1] ?? null;
}

/** Constant-time comparison of a presented key against a stored hash. */
export function keyMatches(presented: string, storedHash: Buffer): boolean {
  const hash = hashKey(presented);
  return storedHash.length === hash.length && timingSafeEqual(hash, storedHash);
}

export function generateAdminToken(): string {
  return `fluxo_admin_${randomBytes(32).toString('base64url')}`;
}

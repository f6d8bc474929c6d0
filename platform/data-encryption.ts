import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/*
 * Envelope encryption of personal data with node:crypto only: a master key
 * (FLUXO_DATA_MASTER_KEY) wraps each tenant's data keys with AES-256-GCM; a
 * data key encrypts fields with AES-256-GCM, binding each ciphertext to its
 * tenant, row and field as associated data; a key derived from the data key
 * with HKDF computes blind indexes (HMAC-SHA256) for equality look-ups.
 */

const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A ciphertext that does not decrypt: a wrong key, a swapped row or field, or tampering. */
export class DecryptionError extends Error {}

export function generateDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A new master key, base64, for FLUXO_DATA_MASTER_KEY. */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The 32 bytes of a base64 master key; throws on anything else. */
export function decodeMasterKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== base64.trim()) throw new Error('must be 32 bytes in base64');
  return key;
}

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join(':');
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, tag, body, extra] = sealed.split(':').map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !body || extra !== undefined || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError('malformed ciphertext');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionError('ciphertext does not decrypt with this key and context');
  }
}

/** Where a data key belongs: wrapping binds it, so a wrapped key copied to another tenant or version does not unwrap. */
export interface DataKeyContext {
  tenantId: string;
  version: number;
}

const keyAad = (c: DataKeyContext) => `fluxo:data-key:${c.tenantId}:${c.version}`;

export function wrapDataKey(masterKey: Buffer, dataKey: Buffer, context: DataKeyContext): string {
  return seal(masterKey, dataKey, keyAad(context));
}

export function unwrapDataKey(masterKey: Buffer, wrapped: string, context: DataKeyContext): Buffer {
  return open(masterKey, wrapped, keyAad(context));
}

/** What a field's ciphertext is bound to. */
export interface FieldContext {
  tenantId: string;
  rowId: string;
  field: string;
}

const fieldAad = (c: FieldContext, version: number) => `fluxo:field:${c.tenantId}:${c.rowId}:${c.field}:${version}`;

/** `v<version>:<iv>:<tag>:<ciphertext>` (base64 parts): the version names the data key that decrypts it. */
export function encryptField(dataKey: Buffer, version: number, plaintext: string, context: FieldContext): string {
  return `v${version}:${seal(dataKey, Buffer.from(plaintext, 'utf8'), fieldAad(context, version))}`;
}

export function ciphertextVersion(ciphertext: string): number {
  const match = /^v(\d+):/.exec(ciphertext);
  if (!match) throw new DecryptionError('ciphertext without a key version');
  return Number(match[1]);
}

export function decryptField(dataKey: Buffer, ciphertext: string, context: FieldContext): string {
  const version = ciphertextVersion(ciphertext);
  return open(dataKey, ciphertext.slice(ciphertext.indexOf(':') + 1), fieldAad(context, version)).toString('utf8');
}

/** The HMAC key of blind indexes, derived from a data key: independent of the encryption use of the same key. */
export function blindIndexKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'fluxo:blind-index:v1', KEY_BYTES));
}

/** HMAC-SHA256 of an already normalised value, under one purpose so indexes of different fields never match. */
export function blindIndex(indexKey: Buffer, purpose: string, normalised: string): Buffer {
  return createHmac('sha256', indexKey).update(`${purpose}\u0000${normalised}`, 'utf8').digest();
}

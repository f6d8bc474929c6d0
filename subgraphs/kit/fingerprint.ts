import { createHash } from 'node:crypto';
import { D } from './money';

/**
 * JSON with object keys sorted and undefined left out, so two requests that
 * mean the same thing print the same text whatever order the client used.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** "1200.00" and "1200" are the same amount; anything unreadable is kept as written. */
export function canonicalAmount(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return /^-?\d+(\.\d+)?$/.test(value) ? new D(value).toString() : value;
}

/** SHA-256 (hex) of an operation and its canonical input: what an idempotency key is bound to. */
export function requestFingerprint(operation: string, input: unknown): string {
  return createHash('sha256').update(canonicalJson({ operation, input })).digest('hex');
}

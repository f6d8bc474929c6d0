const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Every id Fluxo stores is a uuid (PostgreSQL's gen_random_uuid or node's randomUUID). */
export const UUID_PATTERN = new RegExp(`^${UUID}$`, 'i');

/**
 * Whether a value can be an id at all. Anything else names no row, so callers
 * answer "not found" instead of letting a uuid cast fail in SQL.
 */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** The values that can be ids, for batch lookups of client-supplied keys. */
export function onlyUuids(values: readonly string[]): string[] {
  return values.filter(isUuid);
}

/** The first uuid within a text, e.g. the key PostgreSQL names in a constraint violation's detail. */
export function firstUuidIn(text: string): string | null {
  return new RegExp(UUID, 'i').exec(text)?.[0] ?? null;
}

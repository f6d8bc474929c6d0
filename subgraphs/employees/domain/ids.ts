const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row, so it is reported as not found instead of reaching SQL. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row, so it is "not found" instead of a cast error in SQL. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

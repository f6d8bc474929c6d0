/** Trims and collapses inner whitespace, so "  Ana   Maria " and "Ana Maria" are one name. */
export function normalizeName(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** How the company writes a person's name: given name first. */
export function fullName(person: { first_name: string; last_name: string }): string {
  return `${person.first_name} ${person.last_name}`;
}

/** E-mail addresses are compared case-insensitively; the stored form is trimmed, as given. */
export function normalizeEmail(value: string): string {
  return value.trim();
}

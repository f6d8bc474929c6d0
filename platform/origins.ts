/**
 * A browser origin as CORS compares it: exactly `scheme://host[:port]` over
 * http or https, no path and no wildcard. Returns why not, or null when it is one.
 */
export function originProblem(origin: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `${origin} is not an origin such as https://app.example.com`;
  }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin || origin.includes('*')) {
    return `${origin} is not an origin such as https://app.example.com (scheme, host and port only; no wildcard)`;
  }
  return null;
}

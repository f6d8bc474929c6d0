import cors from 'cors';
import type { RequestHandler } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { sql } from 'kysely';
import type { ControlPlane } from '../platform/control-plane';
import { forbidden } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { Caller } from './caller';
import type { KeyVerifier } from './key-verifier';

/** Request headers a browser page may send: credentials, JSON, Apollo's CSRF and persisted-query headers, tracing. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'x-api-key',
  'traceparent',
  'x-fluxo-company',
];

/**
 * The origins companies name for their own consoles (company.cors_origins),
 * kept in memory and reloaded when a company changes (the key verifier relays
 * the control plane's `company:` notifications), so a change reaches every
 * gateway within a second.
 */
export class CompanyOrigins {
  private byOrigin = new Map<string, Set<string>>();
  private loading: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: ControlPlane,
    notifications: KeyVerifier,
    private readonly logger: Logger,
  ) {
    notifications.on('notification', (payload: string) => {
      if (payload.startsWith('company:')) void this.reload();
    });
    notifications.on('listening', () => void this.reload());
  }

  /** Loads now; later reloads run one at a time, and a change heard during one runs another after it. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        try {
          const { rows } = await sql<{ id: string; origin: string }>`
            SELECT id, unnest(cors_origins) AS origin FROM company WHERE cardinality(cors_origins) > 0`.execute(this.db);
          const next = new Map<string, Set<string>>();
          for (const { id, origin } of rows) next.set(origin, (next.get(origin) ?? new Set()).add(id));
          this.byOrigin = next;
        } catch (error) {
          this.logger.warn({ err: error }, 'could not load the companies’ browser origins; keeping the last ones');
        }
      } while (this.again);
      this.loading = null;
    })();
    return this.loading;
  }

  /** The companies whose console runs on `origin`. */
  companiesOf(origin: string): ReadonlySet<string> | undefined {
    return this.byOrigin.get(origin);
  }
}

/**
 * A company's own origin serves that company: a credential of another company
 * (or the operator's) from it is refused with 403, as a page there must not act
 * for anyone else. Signing in, from no credential, is allowed.
 */
export function refuseForeignOrigin(headers: IncomingHttpHeaders, caller: Caller, global: ReadonlySet<string>, companies: CompanyOrigins | null): void {
  const origin = headers.origin;
  if (!origin || !companies || global.has(origin) || caller.kind === 'ANONYMOUS') return;
  const owners = companies.companiesOf(origin);
  if (!owners) return; // not an allowed origin at all: the browser already keeps the answer from the page
  // The operator, even acting for a company (X-Fluxo-Company), is not that company's page.
  if (caller.kind !== 'ADMIN' && caller.tenant && owners.has(caller.tenant.companyId)) return;
  const error = forbidden(`Pages at ${origin} act for their own company only`);
  error.extensions.reason = 'ORIGIN_NOT_ALLOWED';
  error.extensions.http = { status: 403 };
  throw error;
}

/**
 * CORS for /graphql: only the configured origins (FLUXO_CORS_ORIGINS) and the
 * companies' own (CompanyOrigins), each exact, get `Access-Control-Allow-Origin`;
 * any other origin gets none, so its page cannot read an answer. Credentials travel as bearer tokens, never as
 * cookies, so `Allow-Credentials` is never sent and a wildcard never arises.
 * Apollo's CSRF prevention stays on behind this: a request a page could send
 * without a preflight (a "simple" one) is refused before it runs.
 */
export function corsFor(origins: ReadonlySet<string>, companies: CompanyOrigins | null): RequestHandler {
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && (origins.has(origin) || companies?.companiesOf(origin) !== undefined)),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: ['retry-after', 'x-request-id'],
    credentials: false,
    maxAge: 600,
  });
}

import fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { privateKeyFromPem, TenantContextSigner, type SignedCaller } from '../../platform/tenant-context';

/**
 * What the contenders other than Fluxo's own gateway share: each bearer token of
 * the bench mapped to the caller our gateway's key verification makes of it
 * (resolved once by run.ts), and the signed context the subgraphs require,
 * signed with our own TenantContextSigner (one signature per caller every
 * 20 s, as our gateway does). These contenders do not verify keys, apply
 * limits or log: they only add the header every subgraph checks.
 */
export interface ContenderSettings {
  port: number;
  /** The supergraph SDL with each join__graph url pointing at this run's subgraph processes. */
  supergraphPath: string;
  /** Subgraph name → its /graphql URL. */
  subgraphUrls: Record<string, string>;
  /** Bearer token → the caller it stands for. */
  callers: Record<string, SignedCaller>;
  contextPrivateKeyPem: string;
  /** The floor's query plans: query text → internal-format plan. */
  plans?: Record<string, unknown>;
  /** For Hive Gateway: whether identical subgraph requests in flight are merged. */
  dedupe?: boolean;
}

export function readSettings(): ContenderSettings {
  const file = process.env.BENCH_CONTENDER_SETTINGS;
  if (!file) throw new Error('BENCH_CONTENDER_SETTINGS is not set: run.ts starts the contenders');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ContenderSettings;
}

/** The signed context for a request's Authorization header, or null for a token the bench did not issue. */
export function contextSigner(settings: ContenderSettings): (headers: IncomingHttpHeaders | Pick<Headers, 'get'>) => Promise<string> | null {
  const signer = new TenantContextSigner(privateKeyFromPem(settings.contextPrivateKeyPem));
  const callers = new Map(Object.entries(settings.callers));
  return (headers) => {
    // Node's request headers, or a Fetch API Headers (Hive Gateway's, from its own fetch implementation).
    const authorization = typeof headers.get === 'function' ? headers.get('authorization') : (headers as IncomingHttpHeaders).authorization;
    const caller = authorization ? callers.get(authorization.replace(/^Bearer\s+/i, '')) : undefined;
    return caller ? signer.sign(caller) : null;
  };
}

/** Tells run.ts the contender serves. */
export function reportReady(url: string): void {
  process.send?.({ type: 'fluxo:ready', url });
}

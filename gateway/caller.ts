import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hashKey } from '../platform/access-key-format';
import type { TenantContext } from '../platform/tenant-context';
import { unauthenticated } from '../platform/errors';
import { NO_GRANTS } from '../platform/permissions';
import type { KeyPrincipal, KeyVerifier } from './key-verifier';
import { claimedProvider } from '../platform/oidc';
import { looksLikeJwt } from '../platform/session-token';
import type { OidcVerifier } from './oidc-verifier';
import type { SessionVerifier } from './session-verifier';

export type Caller = Omit<TenantContext, 'requestId'>;

const ANONYMOUS: Caller = { kind: 'ANONYMOUS', keyId: null, user: null, sessionId: null, clientAddress: null, tenant: null, modules: [], grants: NO_GRANTS };
const OPERATOR: Caller = { kind: 'ADMIN', keyId: null, user: null, sessionId: null, clientAddress: null, tenant: null, modules: [], grants: NO_GRANTS };

function presentedCredential(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <access key>"');
    return match[1]!;
  }
  const apiKey = headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value ? value.trim() : null;
}

/** Whether a request presents a credential at all: those that do get the keyed limits and count towards the guessing limit. */
export function presentsCredential(headers: IncomingHttpHeaders): boolean {
  return Boolean(headers.authorization || headers['x-api-key']);
}

/** The credential a request presents, as the guessing limit counts it (a malformed header counts as such). */
export function credentialForGuessing(headers: IncomingHttpHeaders): string | null {
  try {
    return presentedCredential(headers);
  } catch {
    return 'malformed';
  }
}

/**
 * Who is calling: nobody (public operations only), the operator (admin token),
 * a company key, a person signed in with us, or a member presenting a token of
 * their company's own OpenID provider (its `iss` is the provider's URL; ours
 * is not a URL). A credential that is present but not valid is refused
 * outright rather than downgraded to anonymous.
 */
export async function identifyCaller(
  headers: IncomingHttpHeaders,
  keys: KeyVerifier,
  adminTokenHash: Buffer,
  sessions: SessionVerifier | null = null,
  providers: OidcVerifier | null = null,
): Promise<Caller> {
  const credential = presentedCredential(headers);
  if (credential === null) return ANONYMOUS;
  if (looksLikeJwt(credential)) return claimedProvider(credential) ? providerCaller(credential, providers) : sessionCaller(credential, sessions);
  if (credential.startsWith('fluxo_admin_')) {
    const presented = hashKey(credential);
    if (timingSafeEqual(presented, adminTokenHash)) return OPERATOR;
    throw unauthenticated('The access key is not valid');
  }
  const principal = await keys.verify(credential);
  if (!principal) throw unauthenticated('The access key is not valid, or it was revoked');
  return keyCaller(principal);
}

// One caller object per verified principal (a key's, a session's, a provider member's), for as long as its
// verifier keeps that principal: keys that tell callers apart are derived from it once, not on every request
// (./request-keys). A revocation, or a change of grants, makes the verifier load a new principal, hence a new
// caller. Callers are never mutated.
const callers = new WeakMap<object, Caller>();

function callerOf<P extends object>(principal: P, build: (principal: P) => Caller): Caller {
  let caller = callers.get(principal);
  if (!caller) {
    caller = build(principal);
    callers.set(principal, caller);
  }
  return caller;
}

function keyCaller(principal: KeyPrincipal): Caller {
  return callerOf(principal, (p) => ({
    kind: p.kind,
    keyId: p.keyId,
    user: p.owner,
    sessionId: null,
    clientAddress: null,
    tenant: p.tenant,
    modules: p.modules,
    grants: p.grants,
  }));
}

async function sessionCaller(token: string, sessions: SessionVerifier | null): Promise<Caller> {
  const verified = sessions ? await sessions.verify(token) : 'INVALID';
  if (verified === 'EXPIRED') throw tokenRefused('The access token has expired: refresh the session', 'TOKEN_EXPIRED');
  if (verified === 'INVALID') throw tokenRefused('The access token is not valid', 'TOKEN_INVALID');
  if (verified === 'ENDED') throw tokenRefused('The session of this access token has ended, or its membership was removed', 'SESSION_ENDED');
  return callerOf(verified, (p) => ({
    kind: p.kind,
    keyId: null,
    user: p.user,
    sessionId: p.sessionId,
    clientAddress: null,
    tenant: p.tenant,
    modules: p.modules,
    grants: p.grants,
  }));
}

const PROVIDER_REFUSALS = {
  EXPIRED: ['The identity provider’s token has expired: sign in with the provider again', 'TOKEN_EXPIRED'],
  INVALID: ['The token is not valid, or no company trusts its issuer for its audience', 'TOKEN_INVALID'],
  EMAIL_UNVERIFIED: ['The identity provider has not verified the token’s e-mail address', 'EMAIL_UNVERIFIED'],
  UNAVAILABLE: ['The company’s identity provider cannot be reached to check the token; try again later', 'IDENTITY_PROVIDER_UNAVAILABLE'],
  NOT_A_MEMBER: ['The token’s e-mail address is not a member of the company that trusts its provider', 'NOT_A_MEMBER'],
} as const;

/** A member of the company whose own provider signed the token; there is no session of ours to end. */
async function providerCaller(token: string, providers: OidcVerifier | null): Promise<Caller> {
  const verified = providers ? await providers.verify(token) : 'INVALID';
  if (typeof verified === 'string') {
    const [message, reason] = PROVIDER_REFUSALS[verified];
    throw tokenRefused(message, reason);
  }
  return callerOf(verified, (p) => ({
    kind: p.kind,
    keyId: null,
    user: p.user,
    sessionId: null,
    clientAddress: null,
    tenant: p.tenant,
    modules: p.modules,
    grants: p.grants,
  }));
}

/** 401 with a reason a client can act on (refresh, or sign in again). */
function tokenRefused(message: string, reason: string) {
  const error = unauthenticated(message);
  error.extensions.reason = reason;
  return error;
}

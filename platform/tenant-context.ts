import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { ModuleName } from './modules';
import { isModuleName } from './modules';
import { isPermission, type Grants, type Permission, type RowScope } from './permissions';

/** Header that carries the signed tenant context from the gateway to subgraphs. */
export const CONTEXT_HEADER = 'x-fluxo-context';
export const REQUEST_ID_HEADER = 'x-request-id';
/**
 * Response header with which a subgraph says its answer belongs to the one request that asked: answering it
 * recorded something (the audit of a reveal), so the gateway must not hand it to identical requests in flight.
 */
export const UNSHARED_ANSWER_HEADER = 'x-fluxo-unshared-answer';
const ISSUER = 'fluxo-gateway';
const AUDIENCE = 'fluxo-subgraphs';
const ALGORITHM = 'EdDSA';
/** Seconds a context stays valid: the gateway reuses it for its first CONTEXT_REUSE_SECONDS, leaving the rest for the last plan it starts. */
export const CONTEXT_TTL_SECONDS = 30;
/** Seconds the gateway sends one signed context for one caller before it signs a fresh one (see docs/tenant-context.md). */
export const CONTEXT_REUSE_SECONDS = 20;

/**
 * ANONYMOUS: no credential. ADMIN: the operator (the bootstrap token, or an
 * operator user). STANDARD and PARTNER: a company access key (or a personal
 * access token, which is a key owned by a user). USER: a person signed in to
 * one company with a session or the company's identity provider.
 */
export type CallerKind = 'ANONYMOUS' | 'ADMIN' | 'STANDARD' | 'PARTNER' | 'USER';
const CALLER_KINDS: readonly string[] = ['ANONYMOUS', 'ADMIN', 'STANDARD', 'PARTNER', 'USER'];

/** The person behind a request, as the audit names them: id and e-mail at the time. */
export interface ContextUser {
  id: string;
  email: string;
}

export interface TenantRef {
  /** Tenant registry id. */
  id: string;
  slug: string;
  companyId: string;
  database: string;
  shard: string;
  /** Modules the company subscribes to (the key may grant fewer). */
  companyModules: ModuleName[];
}

/** What a subgraph knows about the caller; the gateway vouches for all of it. */
export interface TenantContext {
  requestId: string;
  kind: CallerKind;
  /** The access key (or personal access token) presented, if any. */
  keyId: string | null;
  /** The person acting: a signed-in user, or the owner of a personal token. */
  user: ContextUser | null;
  /** The sign-in session whose access token was presented, if any. */
  sessionId: string | null;
  /** The client's address as the gateway saw it (for sign-in throttling and the audit). */
  clientAddress: string | null;
  tenant: TenantRef | null;
  modules: ModuleName[];
  /** What the caller may do in the tenant for this request, and on which rows. */
  grants: Grants;
}

/**
 * What the signed context says: the caller, without the request id. The id differs per request and travels in
 * x-request-id beside the context, so one signed context can serve every request of a caller while it is fresh.
 */
export type SignedCaller = Omit<TenantContext, 'requestId'>;

export interface ContextKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateContextKeyPair(): ContextKeyPair {
  return generateKeyPairSync('ed25519');
}

export function exportKeyPairPem(pair: ContextKeyPair): { privateKeyPem: string; publicKeyPem: string } {
  return {
    privateKeyPem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem.replace(/\\n/g, '\n'));
}

export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem.replace(/\\n/g, '\n'));
}

/** The claims of a caller's context, in a fixed order: the same caller gives the same claims, byte for byte. */
function claimsOf(caller: SignedCaller): Record<string, unknown> {
  return {
    knd: caller.kind,
    key: caller.keyId,
    usr: caller.user,
    sid: caller.sessionId,
    adr: caller.clientAddress,
    ten: caller.tenant,
    mod: caller.modules,
    prm: caller.grants.permissions,
    scp: caller.grants.scoped,
  };
}

/** Signs a caller's context. A `requestId` given is not signed: it travels in its own header (REQUEST_ID_HEADER). */
export async function signTenantContext(
  context: SignedCaller & { requestId?: string },
  privateKey: KeyObject,
  ttlSeconds = CONTEXT_TTL_SECONDS,
): Promise<string> {
  return signClaims(claimsOf(context), privateKey, ttlSeconds, Date.now());
}

function signClaims(claims: Record<string, unknown>, privateKey: KeyObject, ttlSeconds: number, now: number): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(privateKey);
}

/**
 * The gateway's signed contexts, one per caller, each reused for `reuseSeconds` of its `ttlSeconds`: an EdDSA
 * signature per caller every few seconds instead of one per request. The cache key is the caller's whole set of
 * claims, so a context is only ever sent for a caller whose credential this very request verified to exactly those
 * claims: a revoked credential is refused before its context is looked up, and changed modules, permissions or
 * row scopes make other claims, hence a new context at once.
 */
export class TenantContextSigner {
  private readonly contexts = new Map<string, { token: Promise<string>; reuseUntil: number }>();
  /** Contexts signed so far. */
  signatures = 0;

  constructor(
    private readonly privateKey: KeyObject,
    private readonly options: { ttlSeconds: number; reuseSeconds: number; maxEntries: number } = {
      ttlSeconds: CONTEXT_TTL_SECONDS,
      reuseSeconds: CONTEXT_REUSE_SECONDS,
      maxEntries: 10_000,
    },
  ) {
    if (options.reuseSeconds >= options.ttlSeconds) throw new Error('a context must be reused for less than its validity');
  }

  /** The caller's current signed context, signed now if it has none or it is past its reuse time. */
  sign(caller: SignedCaller, now = Date.now()): Promise<string> {
    const claims = claimsOf(caller);
    const key = JSON.stringify(claims);
    const cached = this.contexts.get(key);
    if (cached && cached.reuseUntil > now) return cached.token;
    if (cached) this.contexts.delete(key);
    else if (this.contexts.size >= this.options.maxEntries) this.forgetStale(now);
    this.signatures += 1;
    const token = signClaims(claims, this.privateKey, this.options.ttlSeconds, now);
    const entry = { token, reuseUntil: now + this.options.reuseSeconds * 1000 };
    this.contexts.set(key, entry);
    token.catch(() => {
      if (this.contexts.get(key) === entry) this.contexts.delete(key);
    });
    return token;
  }

  /** Drops contexts past their reuse time, and the oldest if none is. */
  private forgetStale(now: number): void {
    for (const [key, entry] of this.contexts) if (entry.reuseUntil <= now) this.contexts.delete(key);
    if (this.contexts.size >= this.options.maxEntries) this.contexts.delete(this.contexts.keys().next().value as string);
  }
}

export class InvalidContextError extends Error {}

function parseTenant(value: unknown): TenantRef | null {
  if (value === null || value === undefined) return null;
  const t = value as Record<string, unknown>;
  for (const field of ['id', 'slug', 'companyId', 'database', 'shard']) {
    if (typeof t[field] !== 'string' || t[field] === '') throw new InvalidContextError(`tenant.${field} missing`);
  }
  const companyModules = t.companyModules;
  if (!Array.isArray(companyModules) || !companyModules.every((m) => typeof m === 'string' && isModuleName(m)))
    throw new InvalidContextError('tenant.companyModules invalid');
  return {
    id: t.id as string,
    slug: t.slug as string,
    companyId: t.companyId as string,
    database: t.database as string,
    shard: t.shard as string,
    companyModules: companyModules as ModuleName[],
  };
}

function parseUser(value: unknown): ContextUser | null {
  if (value === null || value === undefined) return null;
  const u = value as Record<string, unknown>;
  if (typeof u.id !== 'string' || typeof u.email !== 'string') throw new InvalidContextError('user invalid');
  return { id: u.id, email: u.email };
}

function parseGrants(permissions: unknown, scoped: unknown): Grants {
  if (!Array.isArray(permissions) || !permissions.every(isPermission)) throw new InvalidContextError('permissions invalid');
  if (scoped === null || typeof scoped !== 'object' || Array.isArray(scoped)) throw new InvalidContextError('row scopes invalid');
  const scopes: Partial<Record<Permission, RowScope>> = {};
  for (const [permission, scope] of Object.entries(scoped as Record<string, unknown>)) {
    const s = scope as Record<string, unknown> | null;
    if (!isPermission(permission) || !permissions.includes(permission) || s === null || typeof s !== 'object') {
      throw new InvalidContextError('row scope invalid');
    }
    const departmentIds = s.departmentIds;
    if (!(s.employeeId === null || typeof s.employeeId === 'string') || !Array.isArray(departmentIds) || !departmentIds.every((d) => typeof d === 'string')) {
      throw new InvalidContextError('row scope invalid');
    }
    scopes[permission] = { employeeId: s.employeeId, departmentIds: departmentIds as string[] };
  }
  return { permissions: permissions as Permission[], scoped: scopes };
}

/** Verifies signature, issuer, audience, expiry and shape; any doubt is a refusal. */
export async function verifyTenantContext(token: string, publicKey: KeyObject): Promise<SignedCaller> {
  return (await verifyWithExpiry(token, publicKey)).caller;
}

async function verifyWithExpiry(token: string, publicKey: KeyObject): Promise<{ caller: SignedCaller; expiresAt: number }> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM], requiredClaims: ['exp', 'iat'] }));
  } catch (error) {
    throw new InvalidContextError(error instanceof Error ? error.message : 'invalid context');
  }
  const kind = payload.knd;
  if (typeof kind !== 'string' || !CALLER_KINDS.includes(kind)) throw new InvalidContextError('unknown caller kind');
  const modules = payload.mod;
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string' && isModuleName(m))) throw new InvalidContextError('bad modules');
  const tenant = parseTenant(payload.ten);
  const keyId = typeof payload.key === 'string' ? payload.key : null;
  if ((kind === 'STANDARD' || kind === 'PARTNER') && (!tenant || !keyId)) throw new InvalidContextError('key context without tenant');
  const user = parseUser(payload.usr);
  if (kind === 'USER' && (!tenant || !user)) throw new InvalidContextError('user context without tenant');
  const grants = parseGrants(payload.prm, payload.scp);
  const sessionId = typeof payload.sid === 'string' ? payload.sid : null;
  const clientAddress = typeof payload.adr === 'string' ? payload.adr : null;
  return {
    caller: { kind: kind as CallerKind, keyId, user, sessionId, clientAddress, tenant, modules: modules as ModuleName[], grants },
    expiresAt: (payload.exp as number) * 1000,
  };
}

/**
 * A subgraph's verified contexts: a token's signature and shape are checked on its first request and the result
 * is remembered, by the exact token, until the token expires (never longer). A token that fails is not remembered.
 */
export class TenantContextVerifier {
  private readonly verified = new Map<string, { caller: SignedCaller; expiresAt: number }>();
  /** Signatures checked so far. */
  verifications = 0;

  constructor(
    private readonly publicKey: KeyObject,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(token: string, now = Date.now()): Promise<SignedCaller> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt > now) return cached.caller;
    if (cached) this.verified.delete(token);
    this.verifications += 1;
    const result = await verifyWithExpiry(token, this.publicKey);
    if (result.expiresAt > now) this.remember(token, result, now);
    return result.caller;
  }

  private remember(token: string, result: { caller: SignedCaller; expiresAt: number }, now: number): void {
    if (this.verified.size >= this.maxEntries) {
      for (const [key, entry] of this.verified) if (entry.expiresAt <= now) this.verified.delete(key);
      if (this.verified.size >= this.maxEntries) this.verified.delete(this.verified.keys().next().value as string);
    }
    this.verified.set(token, { caller: deepFreeze(result.caller), expiresAt: result.expiresAt });
  }
}

/** Shared by every request that presents the same token: frozen, so none can change what the others see. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

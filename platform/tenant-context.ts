import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { ModuleName } from './modules';
import { isModuleName } from './modules';
import { isPermission, type Grants, type Permission, type RowScope } from './permissions';

/** Header that carries the signed tenant context from the gateway to subgraphs. */
export const CONTEXT_HEADER = 'x-fluxo-context';
export const REQUEST_ID_HEADER = 'x-request-id';
const ISSUER = 'fluxo-gateway';
const AUDIENCE = 'fluxo-subgraphs';
const ALGORITHM = 'EdDSA';
/** Seconds a context stays valid: long enough for one request's query plan. */
export const CONTEXT_TTL_SECONDS = 30;

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

export async function signTenantContext(context: TenantContext, privateKey: KeyObject, ttlSeconds = CONTEXT_TTL_SECONDS): Promise<string> {
  return new SignJWT({
    rid: context.requestId,
    knd: context.kind,
    key: context.keyId,
    usr: context.user,
    sid: context.sessionId,
    adr: context.clientAddress,
    ten: context.tenant,
    mod: context.modules,
    prm: context.grants.permissions,
    scp: context.grants.scoped,
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(privateKey);
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
export async function verifyTenantContext(token: string, publicKey: KeyObject): Promise<TenantContext> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM], requiredClaims: ['exp', 'iat'] }));
  } catch (error) {
    throw new InvalidContextError(error instanceof Error ? error.message : 'invalid context');
  }
  const kind = payload.knd;
  if (typeof kind !== 'string' || !CALLER_KINDS.includes(kind)) throw new InvalidContextError('unknown caller kind');
  if (typeof payload.rid !== 'string') throw new InvalidContextError('request id missing');
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
  return { requestId: payload.rid, kind: kind as CallerKind, keyId, user, sessionId, clientAddress, tenant, modules: modules as ModuleName[], grants };
}

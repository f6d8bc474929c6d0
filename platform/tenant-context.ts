import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { ModuleName } from './modules';
import { isModuleName } from './modules';

/** Header that carries the signed tenant context from the gateway to subgraphs. */
export const CONTEXT_HEADER = 'x-fluxo-context';
export const REQUEST_ID_HEADER = 'x-request-id';
const ISSUER = 'fluxo-gateway';
const AUDIENCE = 'fluxo-subgraphs';
const ALGORITHM = 'EdDSA';
/** Seconds a context stays valid: long enough for one request's query plan. */
export const CONTEXT_TTL_SECONDS = 30;

export type CallerKind = 'ANONYMOUS' | 'ADMIN' | 'STANDARD' | 'PARTNER';

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
  keyId: string | null;
  tenant: TenantRef | null;
  modules: ModuleName[];
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
    ten: context.tenant,
    mod: context.modules,
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

/** Verifies signature, issuer, audience, expiry and shape; any doubt is a refusal. */
export async function verifyTenantContext(token: string, publicKey: KeyObject): Promise<TenantContext> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM], requiredClaims: ['exp', 'iat'] }));
  } catch (error) {
    throw new InvalidContextError(error instanceof Error ? error.message : 'invalid context');
  }
  const kind = payload.knd;
  if (kind !== 'ANONYMOUS' && kind !== 'ADMIN' && kind !== 'STANDARD' && kind !== 'PARTNER') throw new InvalidContextError('unknown caller kind');
  if (typeof payload.rid !== 'string') throw new InvalidContextError('request id missing');
  const modules = payload.mod;
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string' && isModuleName(m))) throw new InvalidContextError('bad modules');
  const tenant = parseTenant(payload.ten);
  const keyId = typeof payload.key === 'string' ? payload.key : null;
  if ((kind === 'STANDARD' || kind === 'PARTNER') && (!tenant || !keyId)) throw new InvalidContextError('key context without tenant');
  return { requestId: payload.rid, kind, keyId, tenant, modules: modules as ModuleName[] };
}

import { randomBytes, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { hashKey } from './access-key-format';

/**
 * A person's sign-in: a short-lived access token, a JWT we sign with EdDSA
 * (the access subgraph signs, the gateway verifies with the public key), and
 * an opaque refresh token that rotates on every use. The access token names
 * the user, the session and the one company it is for; what the person may do
 * is looked up by the gateway, not carried, so a removed membership or a
 * revoked session stops working at once rather than at expiry.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** A session lasts at most this long, however often it is refreshed. */
export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;
export const INVITATION_TTL_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'fluxo';
const AUDIENCE = 'fluxo-api';
const ALGORITHM = 'EdDSA';
/** Clocks of gateway and access subgraph may differ a little. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  /** The company the token is for; null for an operator's session. */
  companyId: string | null;
}

export interface VerifiedAccessToken extends AccessTokenClaims {
  /** Seconds since the epoch when the token expires. */
  expiresAt: number;
}

export async function signAccessToken(claims: AccessTokenClaims, privateKey: KeyObject, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS): Promise<string> {
  return new SignJWT({ sid: claims.sessionId, cid: claims.companyId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(privateKey);
}

export type AccessTokenRefusal = 'EXPIRED' | 'INVALID';

/** The claims of a genuine, current access token; otherwise why not (expired is worth telling the client: it should refresh). */
export async function verifyAccessToken(token: string, publicKey: KeyObject): Promise<VerifiedAccessToken | AccessTokenRefusal> {
  try {
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [ALGORITHM],
      typ: 'at+jwt',
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat', 'nbf'],
    });
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return 'INVALID';
    if (!(payload.cid === null || typeof payload.cid === 'string')) return 'INVALID';
    return { userId: payload.sub, sessionId: payload.sid, companyId: payload.cid, expiresAt: payload.exp! };
  } catch (error) {
    return error instanceof joseErrors.JWTExpired ? 'EXPIRED' : 'INVALID';
  }
}

/** Whether a presented credential is shaped like a JWT (three base64url parts), rather than an access key. */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);
}

/** An opaque one-time secret with a recognisable prefix, stored only as its SHA-256. */
export function generateSecret(kind: SecretKind): { token: string; hash: Buffer } {
  const token = `fluxo_${kind}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashKey(token) };
}

/** Refresh tokens, invitations, requesters' status tokens. */
export type SecretKind = 'rt' | 'inv' | 'rs';

/** Whether `token` has the shape generateSecret gives `kind`: anything else names no secret, without asking the database. */
export function isSecretShaped(token: string, kind: SecretKind): boolean {
  return token.length === kind.length + 7 + 43 && token.startsWith(`fluxo_${kind}_`) && /^[A-Za-z0-9_-]{43}$/.test(token.slice(kind.length + 7));
}

export { hashKey as hashSecret };

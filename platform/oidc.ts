import { isIP } from 'node:net';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';

/**
 * Tokens of a company's own OpenID Connect provider: ID tokens, or JWT access
 * tokens, that the provider signs with the keys it publishes. The gateway
 * accepts them as credentials and the access subgraph accepts an invitation
 * with one, both through this one check: the provider's discovery document
 * names its key set and algorithms; the token must be signed by one of those
 * keys, with one of those algorithms (never `none` or a shared secret), for
 * the company's audience, and be current. What it proves is an e-mail address
 * the provider verified.
 */

/** Where providers publish their metadata, below the issuer (OpenID Connect Discovery 1.0). */
const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** A provider's metadata is asked again after this long; its keys are jose's to refresh. */
const DISCOVERY_TTL_MILLIS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MILLIS = 5_000;
/**
 * A token naming a key the set lacks makes jose fetch the set again (the
 * provider rotated its keys), at most once per this long, so tokens with made-up
 * key ids cannot make us hammer the provider.
 */
const KEY_REFETCH_COOLDOWN_MILLIS = 5_000;
/** Clocks of the provider and ours may differ a little. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** Why an issuer (or key set) URL cannot be used, or null when it can. */
export function issuerUrlProblem(value: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.search || url.hash) return 'must have no query or fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowHttp && isLoopback(url.hostname)) return null;
  return allowHttp ? 'must be https:// (http:// only on a loopback address)' : 'must be https://';
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The issuer and audiences a token claims, before anything is verified: only
 * to find whose provider it would be. Null unless its `iss` is a URL, as every
 * OpenID provider's is (our own access tokens name `fluxo`).
 */
export function claimedProvider(token: string): { issuer: string; audiences: string[] } | null {
  try {
    const { iss, aud } = decodeJwt(token);
    if (typeof iss !== 'string' || !/^https?:\/\//.test(iss)) return null;
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    return { issuer: iss, audiences };
  } catch {
    return null;
  }
}

/** The provider a company named: tokens must come from `issuer`, for `audience`. */
export interface TrustedProvider {
  issuer: string;
  audience: string;
}

/** What a provider's token proves. */
export interface ProviderIdentity {
  email: string;
  subject: string | null;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The `nonce` the browser asked the provider to put in the ID token; null when there is none. */
  nonce: string | null;
}

/**
 * EXPIRED: sign in with the provider again; EMAIL_UNVERIFIED: the provider has not verified the address;
 * UNAVAILABLE: the provider's metadata or keys could not be fetched.
 */
export type ProviderTokenRefusal = 'EXPIRED' | 'INVALID' | 'EMAIL_UNVERIFIED' | 'UNAVAILABLE';

interface ProviderKeys {
  keys: JWTVerifyGetKey;
  algorithms: string[];
  /** Where browsers are sent to sign in; null when the document names none we could send them to. */
  authorizationEndpoint: string | null;
  expiresAt: number;
}

class ProviderUnavailable extends Error {}

/** Verifies providers' tokens; one instance per process keeps each provider's metadata and keys. */
export class ProviderTokenVerifier {
  private readonly providers = new Map<string, Promise<ProviderKeys>>();

  constructor(private readonly options: { allowHttp: boolean }) {}

  async verify(token: string, provider: TrustedProvider): Promise<ProviderIdentity | ProviderTokenRefusal> {
    try {
      const { keys, algorithms } = await this.keysOf(provider.issuer);
      const { payload } = await jwtVerify(token, keys, {
        issuer: provider.issuer,
        audience: provider.audience,
        algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      });
      if (typeof payload.email !== 'string' || payload.email.trim() === '') return 'INVALID';
      // Providers that say whether they verified the address must say they did.
      if ('email_verified' in payload && payload.email_verified !== true) return 'EMAIL_UNVERIFIED';
      const nonce = typeof payload.nonce === 'string' ? payload.nonce : null;
      return { email: payload.email.trim(), subject: payload.sub ?? null, expiresAt: payload.exp!, nonce };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return 'EXPIRED';
      if (error instanceof ProviderUnavailable || error instanceof joseErrors.JWKSTimeout) return 'UNAVAILABLE';
      if (error instanceof joseErrors.JOSEError) return 'INVALID';
      // A key set that could not be fetched at all (connection refused, DNS).
      return 'UNAVAILABLE';
    }
  }

  /**
   * The provider's authorization endpoint, from the same cached discovery
   * document as its keys; null when the provider cannot be reached now or
   * names no usable endpoint.
   */
  async authorizationEndpoint(issuer: string): Promise<string | null> {
    try {
      return (await this.keysOf(issuer)).authorizationEndpoint;
    } catch {
      return null;
    }
  }

  private keysOf(issuer: string): Promise<ProviderKeys> {
    const known = this.providers.get(issuer);
    if (known) {
      return known.then((p) => {
        if (p.expiresAt > Date.now()) return p;
        if (this.providers.get(issuer) === known) this.providers.delete(issuer);
        return this.keysOf(issuer);
      });
    }
    const discovering = this.discover(issuer);
    this.providers.set(issuer, discovering);
    // A failure is not remembered: the next token asks again.
    discovering.catch(() => {
      if (this.providers.get(issuer) === discovering) this.providers.delete(issuer);
    });
    return discovering;
  }

  private async discover(issuer: string): Promise<ProviderKeys> {
    if (issuerUrlProblem(issuer, this.options.allowHttp)) throw new ProviderUnavailable(`issuer ${issuer} is not allowed`);
    let metadata: { issuer?: unknown; jwks_uri?: unknown; id_token_signing_alg_values_supported?: unknown; authorization_endpoint?: unknown };
    try {
      const response = await fetch(`${issuer.replace(/\/$/, '')}${DISCOVERY_PATH}`, {
        redirect: 'error',
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MILLIS),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      metadata = (await response.json()) as typeof metadata;
    } catch (error) {
      throw new ProviderUnavailable(`discovery of ${issuer} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    // The document must be the issuer's own (Discovery 1.0, section 4.3).
    if (metadata.issuer !== issuer) throw new ProviderUnavailable(`discovery of ${issuer} names another issuer`);
    if (typeof metadata.jwks_uri !== 'string' || issuerUrlProblem(metadata.jwks_uri, this.options.allowHttp)) {
      throw new ProviderUnavailable(`discovery of ${issuer} has no usable jwks_uri`);
    }
    const advertised = Array.isArray(metadata.id_token_signing_alg_values_supported) ? metadata.id_token_signing_alg_values_supported : [];
    const algorithms = advertised.filter((a): a is string => typeof a === 'string' && isAsymmetric(a));
    if (algorithms.length === 0) throw new ProviderUnavailable(`${issuer} advertises no public-key signing algorithm`);
    return {
      keys: createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MILLIS, cooldownDuration: KEY_REFETCH_COOLDOWN_MILLIS }),
      algorithms,
      authorizationEndpoint: usableEndpoint(metadata.authorization_endpoint, this.options.allowHttp),
      expiresAt: Date.now() + DISCOVERY_TTL_MILLIS,
    };
  }
}

/**
 * An endpoint browsers may be sent to: https (http on loopback when allowed),
 * without credentials or a fragment. A query is kept: OAuth 2.0 allows one there.
 */
function usableEndpoint(value: unknown, allowHttp: boolean): string | null {
  if (typeof value !== 'string') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const withoutQuery = `${url.origin}${url.pathname}`;
  return url.hash || url.username || url.password || issuerUrlProblem(withoutQuery, allowHttp) ? null : url.href;
}

/** Signatures anyone can check with the published keys: never `none`, nor a secret shared with the client (HS*). */
function isAsymmetric(algorithm: string): boolean {
  return algorithm !== 'none' && !algorithm.startsWith('HS');
}

import type { KeyObject } from 'node:crypto';
import type { ControlPlane } from '../platform/control-plane';
import { normalizeModules, type ModuleName } from '../platform/modules';
import { NO_GRANTS, type Grants } from '../platform/permissions';
import { verifyAccessToken, type AccessTokenRefusal, type VerifiedAccessToken } from '../platform/session-token';
import type { ContextUser, TenantRef } from '../platform/tenant-context';
import type { KeyVerifier } from './key-verifier';
import { memberGrants } from './member-grants';
import { boundedSet, NotifiedCache } from './notified-cache';

/** Who a live session is, as the gateway signs it into the tenant context. */
export interface SessionPrincipal {
  kind: 'USER' | 'ADMIN';
  sessionId: string;
  user: ContextUser;
  tenant: TenantRef | null;
  modules: ModuleName[];
  grants: Grants;
}

interface CacheEntry {
  userId: string;
  companyId: string | null;
  principal: SessionPrincipal | null;
}

/**
 * Verifies people's access tokens: the signature and expiry from the token
 * alone, then who the session is from the control plane: the session is live,
 * the user active, the membership current, and the roles it holds, combined
 * into grants within the company's modules. That lookup is cached like a key's
 * and dropped on the key verifier's notifications (`session:`, `user:` and
 * `company:` payloads), so signing out, a removed membership or a changed role
 * takes effect within a second. While the notification connection is down,
 * nothing is served from the cache.
 */
export class SessionVerifier {
  private readonly sessions: NotifiedCache<CacheEntry>;
  /**
   * Tokens whose signature was checked, until they expire: a token cannot
   * change, so its EdDSA check (about 0.2 ms) is paid once, not per request.
   * Whether its session still stands is asked of the session cache every time.
   */
  private readonly verifiedTokens = new Map<string, VerifiedAccessToken>();

  constructor(
    private readonly db: ControlPlane,
    private readonly publicKey: KeyObject,
    notifications: KeyVerifier,
    private readonly options: { cacheTtlMillis: number; maxEntries: number },
  ) {
    this.sessions = new NotifiedCache<CacheEntry>(
      notifications,
      { ttlMillis: options.cacheTtlMillis, maxEntries: options.maxEntries },
      (payload, sessionId, entry) => {
        const [kind, id] = payload.split(':', 2);
        return (kind === 'session' && sessionId === id) || (kind === 'user' && entry.userId === id) || (kind === 'company' && entry.companyId === id);
      },
    );
  }

  /** The session's principal, or why the token is refused. */
  async verify(token: string): Promise<SessionPrincipal | AccessTokenRefusal | 'ENDED'> {
    const now = Date.now();
    const claims = await this.checkSignature(token, now);
    if (typeof claims === 'string') return claims;
    const entry = await this.sessions.get(claims.sessionId, () => this.load(claims.sessionId, now), now);
    // The token must be the session's own: same user, same company.
    if (!entry.principal || entry.userId !== claims.userId || entry.companyId !== claims.companyId) return 'ENDED';
    return entry.principal;
  }

  private async checkSignature(token: string, now: number): Promise<VerifiedAccessToken | AccessTokenRefusal> {
    const known = this.verifiedTokens.get(token);
    if (known && known.expiresAt * 1000 > now) return known;
    if (known) this.verifiedTokens.delete(token);
    const claims = await verifyAccessToken(token, this.publicKey);
    if (typeof claims === 'string') return claims;
    boundedSet(this.verifiedTokens, token, claims, this.options.maxEntries);
    return claims;
  }

  private async load(sessionId: string, now: number): Promise<CacheEntry> {
    const row = await this.db
      .selectFrom('user_session as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .leftJoin('membership as m', (join) => join.onRef('m.company_id', '=', 's.company_id').onRef('m.user_id', '=', 's.user_id'))
      .leftJoin('company as c', 'c.id', 's.company_id')
      .leftJoin('tenant as t', 't.company_id', 's.company_id')
      .select([
        's.id',
        's.user_id',
        's.company_id',
        's.revoked_at',
        's.expires_at',
        'u.email',
        'u.status as user_status',
        'u.is_operator',
        'm.id as membership_id',
        'm.employee_id',
        'm.removed_at',
        'c.slug',
        'c.modules as company_modules',
        't.id as tenant_id',
        't.database_name',
        't.shard',
        't.status as tenant_status',
      ])
      .where('s.id', '=', sessionId)
      .executeTakeFirst();
    const entry: CacheEntry = {
      userId: row?.user_id ?? '',
      companyId: row?.company_id ?? null,
      principal: null,
    };
    if (row && !row.revoked_at && row.expires_at.getTime() > now && row.user_status === 'ACTIVE') {
      const user = { id: row.user_id, email: row.email };
      if (row.company_id === null) {
        // An operator's session: the operator, as a person.
        if (row.is_operator) entry.principal = { kind: 'ADMIN', sessionId, user, tenant: null, modules: [], grants: NO_GRANTS };
      } else if (row.membership_id && !row.removed_at && row.tenant_id && row.tenant_status === 'ACTIVE' && row.company_modules) {
        const modules = normalizeModules(row.company_modules);
        entry.principal = {
          kind: 'USER',
          sessionId,
          user,
          modules,
          grants: await memberGrants(this.db, { membershipId: row.membership_id, companyId: row.company_id, employeeId: row.employee_id }, modules),
          tenant: { id: row.tenant_id, slug: row.slug!, companyId: row.company_id, database: row.database_name!, shard: row.shard!, companyModules: modules },
        };
      }
    }
    return entry;
  }
}

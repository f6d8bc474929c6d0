import { sql } from 'kysely';
import type { ControlPlane, IdentityProviderRow } from '../platform/control-plane';
import { normalizeModules, type ModuleName } from '../platform/modules';
import { claimedProvider, type ProviderIdentity, type ProviderTokenRefusal, type ProviderTokenVerifier } from '../platform/oidc';
import type { Grants } from '../platform/permissions';
import type { ContextUser, TenantRef } from '../platform/tenant-context';
import type { KeyVerifier } from './key-verifier';
import { memberGrants } from './member-grants';
import { boundedSet, NotifiedCache } from './notified-cache';

/** A company member calling with a token of the company's own provider. */
export interface ProviderPrincipal {
  kind: 'USER';
  user: ContextUser;
  tenant: TenantRef;
  modules: ModuleName[];
  grants: Grants;
}

/** NOT_A_MEMBER: a genuine token, but its e-mail is no current member of the company that trusts the provider. */
export type ProviderCallerRefusal = ProviderTokenRefusal | 'NOT_A_MEMBER';

/** A token lists a few audiences at most; more is not worth a lookup. */
const MAX_AUDIENCES = 5;

interface MemberEntry {
  userId: string;
  companyId: string;
  principal: ProviderPrincipal;
}

interface VerifiedToken {
  identity: ProviderIdentity;
  /** The provider it was verified against: it counts only while the company still trusts exactly that one. */
  provider: IdentityProviderRow;
}

const sameProvider = (a: IdentityProviderRow, b: IdentityProviderRow) => a.company_id === b.company_id && a.issuer === b.issuer && a.audience === b.audience;

/**
 * Verifies tokens of companies' own OpenID Connect providers. The token's
 * (unverified) issuer and audience name the company that trusts that provider;
 * the token is then verified against the provider's published keys
 * (platform/oidc.ts), and the person is the company's current member with the
 * token's verified e-mail, with the grants of their roles, as a session would
 * have them. Which provider a company trusts, and who a member is, are cached
 * and dropped on the key verifier's notifications (`company:` and `user:`), so
 * a removed provider, membership or role takes effect within a second; while
 * the notification connection is down nothing is served from the caches.
 */
export class OidcVerifier {
  /** Which company trusts an issuer for an audience: any company change may alter it. */
  private readonly providers: NotifiedCache<IdentityProviderRow | null>;
  private readonly members: NotifiedCache<MemberEntry | null>;
  /** A token cannot change: its signature is checked once, until it expires. */
  private readonly verifiedTokens = new Map<string, VerifiedToken>();

  constructor(
    private readonly db: ControlPlane,
    private readonly tokens: ProviderTokenVerifier,
    notifications: KeyVerifier,
    private readonly options: { cacheTtlMillis: number; maxEntries: number },
  ) {
    const limits = { ttlMillis: options.cacheTtlMillis, maxEntries: options.maxEntries };
    this.providers = new NotifiedCache(notifications, limits, (payload) => payload.startsWith('company:'));
    // Only members are kept: a membership that begins notifies no gateway.
    this.members = new NotifiedCache(notifications, { ...limits, keeps: (entry) => entry !== null }, (payload, _key, entry) => {
      const [kind, id] = payload.split(':', 2);
      return (kind === 'company' && entry?.companyId === id) || (kind === 'user' && entry?.userId === id);
    });
  }

  async verify(token: string): Promise<ProviderPrincipal | ProviderCallerRefusal> {
    const claimed = claimedProvider(token);
    if (!claimed || claimed.audiences.length === 0 || claimed.audiences.length > MAX_AUDIENCES) return 'INVALID';
    const now = Date.now();
    const provider = await this.providerOf(claimed.issuer, claimed.audiences, now);
    if (!provider) return 'INVALID';
    const identity = await this.checkToken(token, provider, now);
    if (typeof identity === 'string') return identity;
    return (await this.memberOf(provider.company_id, identity.email, now)) ?? 'NOT_A_MEMBER';
  }

  /** The one company that trusts this issuer for one of these audiences; none, or several (ambiguous), is no provider. */
  private async providerOf(issuer: string, audiences: string[], now: number): Promise<IdentityProviderRow | null> {
    const key = [issuer, ...[...audiences].sort()].join('\n');
    return this.providers.get(
      key,
      async () => {
        const rows = await this.db.selectFrom('identity_provider').selectAll().where('issuer', '=', issuer).where('audience', 'in', audiences).execute();
        return rows.length === 1 ? rows[0]! : null;
      },
      now,
    );
  }

  private async checkToken(token: string, provider: IdentityProviderRow, now: number): Promise<ProviderIdentity | ProviderTokenRefusal> {
    const known = this.verifiedTokens.get(token);
    if (known && known.identity.expiresAt * 1000 > now && sameProvider(known.provider, provider)) return known.identity;
    if (known) this.verifiedTokens.delete(token);
    const identity = await this.tokens.verify(token, provider);
    if (typeof identity !== 'string') boundedSet(this.verifiedTokens, token, { identity, provider }, this.options.maxEntries);
    return identity;
  }

  /**
   * The company's current member with this e-mail, and what they may do.
   * Only members are cached: a membership that begins notifies no gateway.
   */
  private async memberOf(companyId: string, email: string, now: number): Promise<ProviderPrincipal | null> {
    const key = `${companyId}\n${email.toLowerCase()}`;
    const entry = await this.members.get(key, () => this.readMember(companyId, email), now);
    return entry?.principal ?? null;
  }

  private async readMember(companyId: string, email: string): Promise<MemberEntry | null> {
    const row = await this.db
      .selectFrom('app_user as u')
      .innerJoin('membership as m', (join) => join.onRef('m.user_id', '=', 'u.id').on('m.company_id', '=', companyId))
      .innerJoin('company as c', 'c.id', 'm.company_id')
      .innerJoin('tenant as t', 't.company_id', 'm.company_id')
      .select([
        'u.id as user_id',
        'u.email',
        'm.id as membership_id',
        'm.employee_id',
        'c.slug',
        'c.modules',
        't.id as tenant_id',
        't.database_name',
        't.shard',
      ])
      .where(sql<string>`lower(u.email)`, '=', email.toLowerCase())
      .where('u.status', '=', 'ACTIVE')
      .where('m.removed_at', 'is', null)
      .where('t.status', '=', 'ACTIVE')
      .executeTakeFirst();
    if (!row || !row.modules) return null;
    const modules = normalizeModules(row.modules);
    const principal: ProviderPrincipal = {
      kind: 'USER',
      user: { id: row.user_id, email: row.email },
      modules,
      grants: await memberGrants(this.db, { membershipId: row.membership_id, companyId, employeeId: row.employee_id }, modules),
      tenant: { id: row.tenant_id, slug: row.slug, companyId, database: row.database_name, shard: row.shard, companyModules: modules },
    };
    return { userId: row.user_id, companyId, principal };
  }
}

import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pg from 'pg';
import { listenOn } from '../platform/notifications';
import type { ControlPlane } from '../platform/control-plane';
import { keyMatches, keyPrefix } from '../platform/access-key-format';
import type { Logger } from '../platform/logger';
import { MODULES, normalizeModules, type ModuleName } from '../platform/modules';
import type { ContextUser, TenantRef } from '../platform/tenant-context';
import { fullGrants, intersectGrants, normalizePermissions, restrictGrants, type Grants } from '../platform/permissions';
import { memberGrants } from './member-grants';

/** A verified company key and where its tenant lives. */
export interface KeyPrincipal {
  keyId: string;
  kind: 'STANDARD' | 'PARTNER';
  modules: ModuleName[];
  /** What the key holds: its permissions (all of its modules' when it names none), read-only if so, and never more than its owner. */
  grants: Grants;
  /** The person a personal access token belongs to. */
  owner: ContextUser | null;
  tenant: TenantRef;
}

interface CacheEntry {
  hash: Buffer;
  /** Kept even for unusable keys, so a company-wide change evicts them too. */
  companyId: string;
  /** A personal token's owner: a change to them evicts it too. */
  ownerUserId: string | null;
  principal: KeyPrincipal | null;
  expiresAt: number;
  /** When the key itself expires (ms), if it does. */
  keyExpiresAt: number | null;
}

export const KEY_CHANGED_CHANNEL = 'fluxo_access_key_changed';

export interface KeyVerifierOptions {
  /** How long a verified key is trusted without asking the control plane again. */
  cacheTtlMillis: number;
  /** How often `last used` timestamps are written, in one statement for all keys. */
  lastUsedFlushMillis: number;
  maxEntries: number;
}

/**
 * Verifies access keys against the control plane. Verified keys are cached
 * briefly; a LISTEN connection on the control plane drops a key from the cache
 * the moment it is revoked, so revocation does not wait for the TTL.
 * While that connection is down no revocation can be heard, so the cache is
 * neither read nor filled until it is back.
 * Emits `evicted` (keyId) when a notification removes a key, `notification`
 * with every payload, `listener-lost` and `listening` as the LISTEN connection
 * goes and comes back.
 */
export class KeyVerifier extends EventEmitter {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastUsed = new Map<string, Date>();
  private listener: pg.Client | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** True while the LISTEN connection is up: only then can cached entries be trusted. */
  private listening = false;
  /**
   * Bumped by every eviction and listener change. A lookup that began under an
   * older generation may have read a row from before a revocation it then
   * missed, so its result is used once but not cached.
   */
  private generation = 0;

  constructor(
    private readonly db: ControlPlane,
    private readonly controlPlaneUrl: string,
    private readonly logger: Logger,
    private readonly options: KeyVerifierOptions,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.listen();
    this.flushTimer = setInterval(() => void this.flushLastUsed(), this.options.lastUsedFlushMillis);
    this.flushTimer.unref();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.controlPlaneUrl, application_name: 'fluxo-gateway-listener' });
    client.on('notification', (msg) => {
      if (msg.channel !== KEY_CHANGED_CHANNEL || !msg.payload) return;
      this.evict(msg.payload);
      // Sessions are cached beside keys and evicted by the same notifications (session-verifier.ts).
      this.emit('notification', msg.payload);
    });
    client.on('error', (error) => {
      if (this.listener !== client) return; // a failed connection attempt: listen() reports it
      this.logger.warn({ err: error }, 'key revocation listener lost its connection; reconnecting');
      this.listener = null;
      this.forgetCache(false);
      this.emit('listener-lost');
      void client.end().catch(() => undefined);
      this.reconnect();
    });
    await listenOn(client, KEY_CHANGED_CHANNEL);
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    // Anything cached before now may have missed a revocation.
    this.forgetCache(true);
    this.emit('listening');
  }

  private reconnect(): void {
    if (this.stopped) return;
    setTimeout(() => {
      this.listen().catch((error: unknown) => {
        this.logger.error({ err: error }, 'listener reconnect failed; retrying');
        this.reconnect();
      });
    }, 500).unref();
  }

  private forgetCache(listening: boolean): void {
    this.listening = listening;
    this.generation += 1;
    this.cache.clear();
  }

  /** `payload` is a key id, or `company:<id>` when a company's modules or tenant changed. */
  private evict(payload: string): void {
    this.generation += 1;
    const companyId = payload.startsWith('company:') ? payload.slice('company:'.length) : null;
    const userId = payload.startsWith('user:') ? payload.slice('user:'.length) : null;
    for (const [prefix, entry] of this.cache) {
      const matches = companyId ? entry.companyId === companyId : userId ? entry.ownerUserId === userId : entry.principal?.keyId === payload;
      if (matches) this.cache.delete(prefix);
    }
    this.emit('evicted', payload);
  }

  /** Whether notifications are heard, hence whether a cache may be trusted. */
  isListening(): boolean {
    return this.listening;
  }

  /** The key's principal, or null when the key is malformed, unknown, revoked or its tenant is not active. */
  async verify(presented: string): Promise<KeyPrincipal | null> {
    const prefix = keyPrefix(presented);
    if (!prefix) return null;
    const now = Date.now();
    let entry = this.listening ? this.cache.get(prefix) : undefined;
    if (!entry || entry.expiresAt <= now) {
      entry = await this.load(prefix, now);
      if (!entry) return null;
    }
    if (!keyMatches(presented, entry.hash) || !entry.principal) return null;
    if (entry.keyExpiresAt !== null && entry.keyExpiresAt <= now) return null;
    this.lastUsed.set(entry.principal.keyId, new Date(now));
    return entry.principal;
  }

  private async load(prefix: string, now: number): Promise<CacheEntry | undefined> {
    const generation = this.generation;
    const row = await this.db
      .selectFrom('access_key as k')
      .innerJoin('company as c', 'c.id', 'k.company_id')
      .innerJoin('tenant as t', 't.company_id', 'c.id')
      .select([
        'k.id as keyId',
        'k.kind',
        'k.modules as keyModules',
        'k.secret_hash',
        'k.revoked_at',
        'k.permissions',
        'k.read_only',
        'k.owner_user_id',
        'k.expires_at',
        'c.id as companyId',
        'c.slug',
        'c.modules as companyModules',
        't.id as tenantId',
        't.database_name',
        't.shard',
        't.status',
      ])
      .where('k.prefix', '=', prefix)
      .executeTakeFirst();
    if (!row) return undefined;
    const usable = row.revoked_at === null && row.status === 'ACTIVE';
    const owner = usable && row.owner_user_id ? await this.ownerOf(row.owner_user_id, row.companyId) : null;
    const entry: CacheEntry = {
      hash: row.secret_hash,
      companyId: row.companyId,
      ownerUserId: row.owner_user_id,
      expiresAt: now + this.options.cacheTtlMillis,
      keyExpiresAt: row.expires_at?.getTime() ?? null,
      // A personal token whose owner left the company (or was disabled) is no longer usable.
      principal: usable && (row.owner_user_id === null || owner !== null) ? keyPrincipal(row, owner) : null,
    };
    if (!this.listening || generation !== this.generation) return entry;
    if (this.cache.size >= this.options.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(prefix, entry);
    return entry;
  }

  /** A personal token's owner as they stand now: active, a current member, and what their roles hold. */
  private async ownerOf(userId: string, companyId: string): Promise<{ user: ContextUser; grants: Grants } | null> {
    const row = await this.db
      .selectFrom('app_user as u')
      .innerJoin('membership as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'u.status', 'm.id as membership_id', 'm.employee_id', 'm.removed_at'])
      .where('u.id', '=', userId)
      .where('m.company_id', '=', companyId)
      .executeTakeFirst();
    if (!row || row.status !== 'ACTIVE' || row.removed_at !== null) return null;
    return {
      user: { id: row.id, email: row.email },
      grants: await memberGrants(this.db, { membershipId: row.membership_id, companyId, employeeId: row.employee_id }, MODULES),
    };
  }

  /** Writes the latest use of every key seen since the last flush, in one statement. */
  async flushLastUsed(): Promise<number> {
    if (this.lastUsed.size === 0) return 0;
    const batch = [...this.lastUsed];
    this.lastUsed.clear();
    const ids = batch.map(([id]) => id);
    const times = batch.map(([, at]) => at.toISOString());
    try {
      await sql`
        UPDATE access_key SET last_used_at = u.at
        FROM unnest(${ids}::uuid[], ${times}::timestamptz[]) AS u(id, at)
        WHERE access_key.id = u.id AND (access_key.last_used_at IS NULL OR access_key.last_used_at < u.at)`.execute(this.db);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not record last use of keys');
    }
    return batch.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flushLastUsed();
    await this.listener?.end().catch(() => undefined);
  }
}

function keyPrincipal(
  row: {
    keyId: string;
    permissions: string[] | null;
    read_only: boolean;
    kind: 'STANDARD' | 'PARTNER';
    keyModules: ModuleName[];
    companyModules: ModuleName[];
    companyId: string;
    slug: string;
    tenantId: string;
    database_name: string;
    shard: string;
  },
  owner: { user: ContextUser; grants: Grants } | null,
): KeyPrincipal {
  // A module the company has since dropped is no longer granted, whatever the key says.
  const modules = normalizeModules(row.keyModules.filter((m) => row.companyModules.includes(m)));
  const base = owner ? intersectGrants(fullGrants(modules), owner.grants) : fullGrants(modules);
  return {
    keyId: row.keyId,
    kind: row.kind,
    modules,
    grants: restrictGrants(base, row.permissions ? normalizePermissions(row.permissions) : null, row.read_only),
    owner: owner?.user ?? null,
    tenant: {
      id: row.tenantId,
      slug: row.slug,
      companyId: row.companyId,
      database: row.database_name,
      shard: row.shard,
      companyModules: normalizeModules(row.companyModules),
    },
  };
}

import { EventEmitter, once } from 'node:events';
import {
  sql,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { KeyVerifier } from '../../gateway/key-verifier';
import type { RunningGateway } from '../../gateway/server';
import type { ControlPlaneDB } from '../../platform/control-plane';
import { createDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { MeDocument, RevokeAccessKeyDocument } from '../generated/operations';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { graphql, startExtraGateway, startTestStack, type TestStack } from '../support/stack';

const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

let t: TestStack;
/** A second gateway on the same control plane, as in a deployment with several replicas. */
let gateway2: RunningGateway;
let stopGateway2: () => Promise<void>;
/** Every statement gateway 2 sends to the control plane. */
const gateway2Sql: string[] = [];
let company: GatewayCompany;

const keyLookups = () => gateway2Sql.filter((s) => /from "access_key"/i.test(s) && /^select/i.test(s)).length;
const keyWrites = () => gateway2Sql.filter((s) => /^update "?access_key"?/i.test(s.trim())).length;

/** Resolves when `keys` reports the eviction of `keyId`; fails after `ms` (a deadline, not a sleep). */
function evictedWithin(keys: EventEmitter, keyId: string, ms: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const onEvicted = (id: string) => {
      if (id !== keyId) return;
      clearTimeout(timer);
      keys.off('evicted', onEvicted);
      resolve(Date.now() - started);
    };
    const timer = setTimeout(() => {
      keys.off('evicted', onEvicted);
      reject(new Error(`key ${keyId} was not evicted within ${ms} ms`));
    }, ms);
    keys.on('evicted', onEvicted);
  });
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const employeesKey = (name: string) => issueKey(t, company, ['EMPLOYEES'], { name });

const me = (url: string, secret: string) => graphql(url, MeDocument, undefined, { token: secret });

async function revokeInDatabase(keyId: string): Promise<void> {
  await t.database.db.updateTable('access_key').set({ revoked_at: new Date(), revoked_by: 'test' }).where('id', '=', keyId).execute();
}

beforeAll(async () => {
  t = await startTestStack({ keyCacheTtlMillis: 60_000 });
  ({ gateway: gateway2, stop: stopGateway2 } = await startExtraGateway(t, {
    logger,
    // Only the test flushes `last used`, so it can see the writes are batched.
    lastUsedFlushMillis: 3_600_000,
    onQuery: (s) => gateway2Sql.push(s),
  }));
  company = await createCompany(t, { name: 'Revoco', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  await stopGateway2?.();
  await t?.stop();
});

describe('revocation while keys are cached', () => {
  it('serves cached keys without asking the control plane again', async () => {
    const key = await employeesKey('Cached');
    const before = keyLookups();
    for (let i = 0; i < 5; i += 1) expect((await me(gateway2.url, key.secret)).data!.me.accessKey!.id).toBe(key.keyId);
    expect(keyLookups() - before).toBe(1);
  });

  it('reaches every gateway within 1 second, and the next request is refused', async () => {
    const key = await employeesKey('Revoked soon');
    const bystander = await employeesKey('Stays valid');
    for (const url of [t.gatewayUrl, gateway2.url]) {
      for (const secret of [key.secret, bystander.secret]) expect((await me(url, secret)).errors).toBeUndefined();
    }
    const lookupsWhileCached = keyLookups();
    expect((await me(gateway2.url, key.secret)).errors).toBeUndefined();
    expect(keyLookups()).toBe(lookupsWhileCached);

    const evictions = [evictedWithin(t.stack.gateway.keys, key.keyId, 1000), evictedWithin(gateway2.keys, key.keyId, 1000)];
    const revoked = await graphql(t.gatewayUrl, RevokeAccessKeyDocument, { input: { accessKeyId: key.keyId } }, { token: t.adminToken });
    expect(revoked.data!.revokeAccessKey.userErrors).toEqual([]);
    const elapsed = await Promise.all(evictions);
    for (const ms of elapsed) expect(ms).toBeLessThan(1000);

    for (const url of [t.gatewayUrl, gateway2.url]) {
      const res = await me(url, key.secret);
      expect(res.status).toBe(401);
      expect(res.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    }
    // Only the revoked key was dropped: the other one is still served from the cache.
    const lookups = keyLookups();
    expect((await me(gateway2.url, bystander.secret)).data!.me.accessKey!.id).toBe(bystander.keyId);
    expect(keyLookups()).toBe(lookups);
  });

  it('drops cached keys of a company at once when its modules or its tenant status change', async () => {
    const key = await employeesKey('Company-wide');
    expect((await me(gateway2.url, key.secret)).data!.me.modules).toEqual(['EMPLOYEES']);
    // The company drops EMPLOYEES: the cached key must stop granting it now, not at TTL.
    let evicted = evictedWithin(gateway2.keys, `company:${company.companyId}`, 1000);
    await t.database.db
      .updateTable('company')
      .set({ modules: ['ASSETS'] })
      .where('id', '=', company.companyId)
      .execute();
    await evicted;
    expect((await me(gateway2.url, key.secret)).data!.me.modules).toEqual([]);
    // Each change is awaited until the gateway has heard of it, so a late notice cannot stand in for the next one.
    evicted = evictedWithin(gateway2.keys, `company:${company.companyId}`, 1000);
    await t.database.db
      .updateTable('company')
      .set({ modules: ['EMPLOYEES'] })
      .where('id', '=', company.companyId)
      .execute();
    await evicted;

    // The tenant is suspended: every key of the company is refused at once.
    evicted = evictedWithin(gateway2.keys, `company:${company.companyId}`, 1000);
    await t.database.db.updateTable('tenant').set({ status: 'SUSPENDED' }).where('company_id', '=', company.companyId).execute();
    await evicted;
    expect((await me(gateway2.url, key.secret)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    evicted = evictedWithin(gateway2.keys, `company:${company.companyId}`, 1000);
    await t.database.db.updateTable('tenant').set({ status: 'ACTIVE' }).where('company_id', '=', company.companyId).execute();
    await evicted;
    expect((await me(gateway2.url, key.secret)).data!.me.modules).toEqual(['EMPLOYEES']);
  });

  it('records last use in one batched write, not a write per request', async () => {
    await gateway2.keys.flushLastUsed();
    const key = await employeesKey('Counted');
    const writesBefore = keyWrites();
    const firstUse = new Date();
    for (let i = 0; i < 3; i += 1) expect((await me(gateway2.url, key.secret)).errors).toBeUndefined();
    const lastUse = new Date();
    const unflushed = await t.database.db.selectFrom('access_key').select('last_used_at').where('id', '=', key.keyId).executeTakeFirstOrThrow();
    expect(unflushed.last_used_at).toBeNull();
    expect(keyWrites()).toBe(writesBefore);

    expect(await gateway2.keys.flushLastUsed()).toBe(1);
    expect(keyWrites()).toBe(writesBefore + 1);
    const flushed = await t.database.db.selectFrom('access_key').select('last_used_at').where('id', '=', key.keyId).executeTakeFirstOrThrow();
    expect(flushed.last_used_at!.getTime()).toBeGreaterThanOrEqual(firstUse.getTime());
    expect(flushed.last_used_at!.getTime()).toBeLessThanOrEqual(lastUse.getTime());
    // Nothing new to write: no statement at all.
    expect(await gateway2.keys.flushLastUsed()).toBe(0);
    expect(keyWrites()).toBe(writesBefore + 1);
  });
});

/** Holds query results back until released, as a slow network between gateway and control plane would. */
class HoldResults implements KyselyPlugin {
  readonly held = new EventEmitter();
  private gate: Promise<void> | null = null;
  private release: (() => void) | null = null;

  arm(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.gate = null;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const gate = this.gate;
    if (gate) {
      this.held.emit('held');
      await gate;
    }
    return args.result;
  }
}

describe('the key cache under failure', () => {
  const verifiers: KeyVerifier[] = [];
  const databases: Array<Kysely<ControlPlaneDB>> = [];

  async function startVerifier(plugin?: KyselyPlugin): Promise<KeyVerifier> {
    const base = createDatabase<ControlPlaneDB>(t.database.url, { max: 2, applicationName: 'fluxo-test-verifier' });
    databases.push(base);
    const verifier = new KeyVerifier(plugin ? base.withPlugin(plugin) : base, t.database.url, logger, {
      cacheTtlMillis: 60_000,
      lastUsedFlushMillis: 3_600_000,
      maxEntries: 100,
    });
    verifiers.push(verifier);
    await verifier.start();
    return verifier;
  }

  afterAll(async () => {
    for (const v of verifiers) await v.stop();
    for (const db of databases) await db.destroy();
  });

  it('does not cache a lookup that was in flight when the key was revoked', async () => {
    const hold = new HoldResults();
    const verifier = await startVerifier(hold);
    const key = await employeesKey('Raced');
    hold.arm();
    const held = once(hold.held, 'held');
    const inFlight = verifier.verify(key.secret);
    await withDeadline(held, 5000, 'the key lookup');
    // The lookup has read the key while it was still valid; now it is revoked.
    const evicted = evictedWithin(verifier, key.keyId, 1000);
    await revokeInDatabase(key.keyId);
    await evicted;
    hold.open();
    await inFlight; // began before the revocation, so it may still pass
    expect(await verifier.verify(key.secret)).toBeNull();
  });

  it('trusts no cached key while it cannot hear revocations, and listens again after reconnecting', async () => {
    const verifier = await startVerifier();
    const key = await employeesKey('Listener outage');
    expect(await verifier.verify(key.secret)).not.toBeNull();

    const lost = once(verifier, 'listener-lost');
    const terminated = await sql<{ pid: number }>`
      SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'fluxo-gateway-listener' AND pid <> pg_backend_pid()`.execute(t.database.db);
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(${terminated.rows.map((r) => r.pid)}::int[])`.execute(t.database.db);
    await withDeadline(lost, 5000, 'noticing the lost listener');

    // Used while deaf, then revoked: the revocation's notification reaches nobody.
    const reconnected = once(verifier, 'listening');
    expect(await verifier.verify(key.secret)).not.toBeNull();
    await revokeInDatabase(key.keyId);
    expect(await verifier.verify(key.secret)).toBeNull();

    await withDeadline(reconnected, 10_000, 'reconnecting the listener');
    expect(await verifier.verify(key.secret)).toBeNull();
    // Notifications arrive again.
    const next = await employeesKey('After outage');
    expect(await verifier.verify(next.secret)).not.toBeNull();
    const evicted = evictedWithin(verifier, next.keyId, 1000);
    await revokeInDatabase(next.keyId);
    await evicted;
    expect(await verifier.verify(next.secret)).toBeNull();
  });
});

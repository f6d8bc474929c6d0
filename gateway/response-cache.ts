import pg from 'pg';
import client from 'prom-client';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLResponse } from '@apollo/server';
import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import { isModuleName, MODULES } from '../platform/modules';
import { listenOn } from '../platform/notifications';
import { announceChange, decodeChange, RESPONSE_CACHE_CHANNEL, type TenantChange } from '../platform/response-cache-signal';
import type { GatewayContext } from './context';
import { fetchTraceOf, traceFetches } from './fetch-trace';
import { companyWrittenBy, EVERY_COMPANY, operationKey } from './request-keys';

/** Says whether an answer came from the response cache (`hit`) or was executed (`miss`), on every query of a company's credential while the cache serves. */
export const CACHE_HEADER = 'x-fluxo-cache';

/** A change of every tenant: the operator ran a mutation (see `mutated`). */
const EVERY_TENANT = EVERY_COMPANY;

export interface ResponseCacheOptions {
  /** FLUXO_RESPONSE_CACHE: off unless asked for (docs/response-cache.md says why). */
  enabled: boolean;
  /** FLUXO_RESPONSE_CACHE_MAX_MB: the answers kept, in bytes of their JSON; the least recently used go first. */
  maxBytes: number;
}

/** No response cache: what a gateway does unless its settings ask for one. */
export const NO_RESPONSE_CACHE: ResponseCacheOptions = { enabled: false, maxBytes: 0 };

/** The generations an answer was read under: any change of them after the read began means it may be stale. */
interface Snapshot {
  epoch: number;
  tenant: number;
  modules: Map<string, number>;
}

interface Entry {
  companyId: string;
  /** Frozen: every hit hands out this very object. */
  data: Record<string, unknown>;
  subgraphs: string[];
  snapshot: Snapshot;
  expiresAt: number;
  bytes: number;
}

/** The module a subgraph serves (`employees` → EMPLOYEES), or null for the platform's own (access). */
function moduleOf(subgraph: string): string | null {
  const name = subgraph.toUpperCase();
  return isModuleName(name) ? name : null;
}

/**
 * Whole answers to queries, per caller, kept in this gateway's memory while
 * nothing they read has changed (docs/response-cache.md).
 *
 * The key is a hash of the verified caller, every claim of it as it is signed
 * for the subgraphs (company and its database, credential, person, session,
 * client address, modules, permissions and row scopes), with the operation's
 * name, document and variables. An answer is kept only when every field of it
 * allowed it (the subgraphs' @cacheControl hints, which Apollo's gateway merges
 * from each fetch's Cache-Control into the request's overall policy), for the
 * policy's max age at most, and only while this gateway hears changes.
 *
 * Changes are counted in generations: one per company and one per company and
 * module. An answer remembers the generations of the company and of the modules
 * its plan fetched from, as they were when its request began, and is served only
 * while they are unchanged; an answer whose generations moved while it was being
 * read is not kept. Generations move when the control plane announces a change
 * (RESPONSE_CACHE_CHANNEL: the worker after relaying events, any gateway after a
 * mutation), and on this gateway at once after each mutation it ran. While the
 * LISTEN connection is down nothing is served or kept, and everything kept is
 * dropped when it goes down and again when it is back.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byCompany = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private bytes = 0;
  private listener: pg.Client | null = null;
  private stopped = false;
  private readonly lookups: client.Counter<'outcome'>;
  private readonly invalidations: client.Counter<'source'>;

  constructor(
    private readonly options: ResponseCacheOptions,
    private readonly controlPlane: ControlPlane,
    private readonly controlPlaneUrl: string,
    registry: client.Registry,
    private readonly logger: Logger,
  ) {
    this.lookups = new client.Counter({
      name: 'fluxo_response_cache_lookups_total',
      help: 'Queries that could be answered from the response cache, by outcome (hit: answered from it; miss: executed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    this.invalidations = new client.Counter({
      name: 'fluxo_response_cache_invalidations_total',
      help: 'Changes that made cached answers stale, by source (event: relayed outbox events; data: a tenant database written by anyone, or restored; mutation: a mutation on any gateway; listener: the change listener was lost or back)',
      labelNames: ['source'] as const,
      registers: [registry],
    });
    const size: client.Gauge = new client.Gauge({
      name: 'fluxo_response_cache_bytes',
      help: 'Bytes of JSON of the answers the response cache keeps',
      registers: [registry],
      collect: () => size.set(this.bytes),
    });
  }

  /** Whether answers are served and kept: the cache is on and hears every change. */
  get serving(): boolean {
    return this.options.enabled && this.listener !== null;
  }

  /** Answers kept now (for tests and diagnosis). */
  get size(): number {
    return this.entries.size;
  }

  async start(): Promise<void> {
    if (this.options.enabled) await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const listener = this.listener;
    this.listener = null;
    this.forgetAll();
    await listener?.end().catch(() => undefined);
  }

  /** The Apollo Server plugin that answers from the cache, keeps answers, and moves generations after mutations. */
  plugin(): ApolloServerPlugin<GatewayContext> {
    // Off (the default), it has nothing to do on any request: no hooks to run.
    if (!this.options.enabled) return {};
    return {
      requestDidStart: async ({ contextValue }) => {
        let pending: { key: string; companyId: string; snapshot: Snapshot } | null = null;
        let outcome: 'hit' | 'miss' | null = null;
        let executed = false;
        return {
          responseForOperation: async (rc) => {
            const key = this.keyOf(rc);
            if (key === null) return null;
            const companyId = contextValue.caller.tenant!.companyId;
            const entry = this.entryFor(key);
            if (entry) {
              outcome = 'hit';
              this.lookups.inc({ outcome });
              return {
                body: { kind: 'single', singleResult: { data: entry.data } },
                http: { status: undefined, headers: new HeaderMap() },
              } satisfies GraphQLResponse;
            }
            outcome = 'miss';
            this.lookups.inc({ outcome });
            pending = { key, companyId, snapshot: this.snapshot(companyId) };
            traceFetches(contextValue);
            return null;
          },
          executionDidStart: async () => {
            executed = true;
          },
          willSendResponse: async (rc) => {
            if (outcome) rc.response.http.headers.set(CACHE_HEADER, outcome);
            if (pending) this.keep(pending, rc);
            if (executed && rc.operation?.operation === 'mutation') await this.mutated(contextValue);
          },
        };
      },
    };
  }

  /** The cache key of a query that may be answered from the cache (a company caller's query), or null for any other operation. */
  private keyOf(rc: GraphQLRequestContext<GatewayContext>): string | null {
    return this.serving ? operationKey(rc) : null;
  }

  private entryFor(key: string): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now() || !this.unchangedSince(entry.companyId, entry.snapshot, entry.subgraphs)) {
      this.remove(key);
      return null;
    }
    // Most recently used last: eviction takes the first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Keeps a query's answer when everything allows it (see the class comment). */
  private keep(pending: { key: string; companyId: string; snapshot: Snapshot }, rc: GraphQLRequestContext<GatewayContext>): void {
    const trace = fetchTraceOf(rc.contextValue);
    if (!this.serving || !trace || trace.unshared || trace.subgraphs.size === 0) return;
    const body = rc.response.body;
    if (body?.kind !== 'single' || body.singleResult.errors?.length || rc.errors?.length) return;
    const data = body.singleResult.data;
    if (!data) return;
    const policy = rc.overallCachePolicy.policyIfCacheable();
    if (!policy || policy.maxAge <= 0) return;
    const subgraphs = [...trace.subgraphs];
    if (!this.unchangedSince(pending.companyId, pending.snapshot, subgraphs)) return;
    const bytes = JSON.stringify(data).length + pending.key.length;
    if (bytes > this.options.maxBytes / 8) return; // one answer never crowds out most of the others
    this.remove(pending.key);
    const entry: Entry = {
      companyId: pending.companyId,
      data: deepFreeze(data),
      subgraphs,
      snapshot: pending.snapshot,
      expiresAt: Date.now() + policy.maxAge * 1000,
      bytes,
    };
    this.entries.set(pending.key, entry);
    let keys = this.byCompany.get(entry.companyId);
    if (!keys) this.byCompany.set(entry.companyId, (keys = new Set()));
    keys.add(pending.key);
    this.bytes += bytes;
    while (this.bytes > this.options.maxBytes) this.remove(this.entries.keys().next().value as string);
  }

  /** After a mutation this gateway ran, whatever its outcome (it may have written before failing): here at once, then on every gateway. */
  private async mutated(context: GatewayContext): Promise<void> {
    if (!this.options.enabled) return;
    if (context.caller.kind === 'ANONYMOUS') return; // anonymous mutations reach only the platform's public ones, which no hinted type shows
    // The operator's mutations are not of one tenant: every tenant's answers go.
    const change: TenantChange = { companyId: companyWrittenBy(context.caller), modules: null, source: 'mutation' };
    this.changed(change);
    try {
      await announceChange(this.controlPlane, change);
    } catch (error) {
      // The writes' own events still reach every gateway when they are relayed; the rest expire with their max age.
      context.logger.warn({ err: error }, 'other gateways not told of a mutation; their cached answers expire with their max age');
    }
  }

  /** A change heard or made: the generations move and the answers it may have made stale go. */
  changed(change: TenantChange): void {
    this.invalidations.inc({ source: change.source });
    if (change.companyId === EVERY_TENANT) {
      this.forgetAll();
      return;
    }
    const modules = change.modules === null ? null : new Set<string>(change.modules);
    if (modules === null) this.bump(change.companyId, null);
    else for (const module of modules) this.bump(change.companyId, module);
    for (const key of this.byCompany.get(change.companyId) ?? []) {
      const entry = this.entries.get(key);
      if (entry && (modules === null || entry.subgraphs.some((s) => modules.has(moduleOf(s) ?? '')))) this.remove(key);
    }
  }

  private bump(companyId: string, module: string | null): void {
    const name = generationName(companyId, module);
    this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
  }

  /** The generations of the company and of each of its modules, as a request begins: before any fetch of its plan. */
  private snapshot(companyId: string): Snapshot {
    const modules = new Map(MODULES.map((m) => [m, this.generations.get(generationName(companyId, m)) ?? 0]));
    return { epoch: this.epoch, tenant: this.generations.get(generationName(companyId, null)) ?? 0, modules };
  }

  /** Whether nothing that `subgraphs` serve for the company changed since `snapshot` (nor the company as a whole). */
  private unchangedSince(companyId: string, snapshot: Snapshot, subgraphs: readonly string[]): boolean {
    if (snapshot.epoch !== this.epoch) return false;
    if (snapshot.tenant !== (this.generations.get(generationName(companyId, null)) ?? 0)) return false;
    for (const subgraph of subgraphs) {
      const module = moduleOf(subgraph);
      if (module === null) continue; // the platform's own data moves with the company's generation
      if (snapshot.modules.get(module) !== (this.generations.get(generationName(companyId, module)) ?? 0)) return false;
    }
    return true;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    const keys = this.byCompany.get(entry.companyId);
    keys?.delete(key);
    if (keys?.size === 0) this.byCompany.delete(entry.companyId);
  }

  /** Every answer goes, and answers being read now will not be kept. */
  private forgetAll(): void {
    this.epoch += 1;
    this.entries.clear();
    this.byCompany.clear();
    this.bytes = 0;
  }

  private async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.controlPlaneUrl, application_name: 'fluxo-gateway-response-cache' });
    listener.on('notification', (msg) => {
      if (msg.channel !== RESPONSE_CACHE_CHANNEL || !msg.payload) return;
      // A change this release cannot read is taken as a change of everything.
      this.changed(decodeChange(msg.payload) ?? { companyId: EVERY_TENANT, modules: null, source: 'event' });
    });
    listener.on('error', (error) => {
      if (this.listener !== listener) return; // a failed connection attempt: listen() reports it
      this.logger.warn({ err: error }, 'response cache listener lost its connection: nothing is served from the cache until it is back');
      this.listener = null;
      this.lost();
      void listener.end().catch(() => undefined);
      this.reconnect();
    });
    await listenOn(listener, RESPONSE_CACHE_CHANNEL);
    if (this.stopped) {
      await listener.end().catch(() => undefined);
      return;
    }
    // Whatever was announced while nobody listened is unknown: start empty.
    this.lost();
    this.listener = listener;
  }

  private lost(): void {
    this.invalidations.inc({ source: 'listener' });
    this.forgetAll();
  }

  private reconnect(): void {
    if (this.stopped) return;
    setTimeout(() => {
      this.listen().catch((error: unknown) => {
        this.logger.error({ err: error }, 'response cache listener reconnect failed; retrying');
        this.reconnect();
      });
    }, 500).unref();
  }
}

function generationName(companyId: string, module: string | null): string {
  return `${companyId}\u0000${module ?? ''}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

import type { EventEmitter } from 'node:events';
import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { generateAdminToken } from '../../platform/access-key-format';
import { createLogger, type Logger } from '../../platform/logger';
import type { TenantMigrationSource } from '../../platform/migrations';
import { createDatabase } from '../../platform/db';
import { serviceConfig } from '../../platform/db-roles';
import type { ControlPlaneDB } from '../../platform/control-plane';
import { startStack, type RunningStack } from '../../app/stack';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/server';
import { limitsFromEnv, type FluxoConfig, type LimitOptions } from '../../platform/config';
import { generateContextKeyPair, type ContextKeyPair } from '../../platform/tenant-context';
import { createTestDatabase, type TestDatabase } from './db';

/** The limits of the environment, with the key's rate and cost budgets far above any test's load: for files that send hundreds of requests of one key within a second. */
export function liftedLimits(): LimitOptions {
  const budget = { capacity: 1_000_000, refillPerSecond: 1_000_000 };
  return { ...limitsFromEnv(), perKeyPerMinute: 1_000_000, costBudget: { keyed: budget, anonymous: budget } };
}

export interface TestStack {
  stack: RunningStack;
  database: TestDatabase;
  gatewayUrl: string;
  adminToken: string;
  keys: ContextKeyPair;
  /** Signs people's access tokens (access subgraph) and verifies them (gateway). */
  sessionKeys: ContextKeyPair;
  subgraphUrl: (name: string) => string;
  stop: () => Promise<void>;
}

/** The real product for a test file: its own control-plane database, every subgraph and the gateway over HTTP. */
export async function startTestStack(
  options: {
    keyCacheTtlMillis?: number;
    tenantMigrations?: TenantMigrationSource;
    database?: TestDatabase;
    onQuery?: (sql: string, database: string, subgraph: string) => void;
    limits?: LimitOptions;
    /** Where the stack logs (silent unless TEST_LOG_LEVEL says otherwise), e.g. a capture to assert nothing was logged at error level. */
    logger?: Logger;
    /** Settings of this stack that differ from the test database's, e.g. `oidc: { allowHttp: true }`. */
    config?: Partial<Pick<FluxoConfig, 'oidc' | 'mail' | 'webhooks'>>;
    /**
     * False runs the gateway without its response cache (on as shipped): for a
     * test that counts what executing a query costs, or that writes in SQL
     * with no worker to announce it and reads at once.
     */
    responseCache?: boolean;
  } = {},
): Promise<TestStack> {
  const database = options.database ?? (await createTestDatabase());
  const { gateway } = database.config;
  const responseCache = options.responseCache === undefined ? gateway.responseCache : { ...gateway.responseCache, enabled: options.responseCache };
  const keys = generateContextKeyPair();
  const sessionKeys = generateContextKeyPair();
  const adminToken = generateAdminToken();
  const stack = await startStack({
    config: { ...database.config, ...options.config, gateway: { ...gateway, responseCache } },
    logger: options.logger ?? createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent'),
    keys,
    sessionKeys,
    adminToken,
    gatewayPort: 0,
    subgraphPort: () => 0,
    sandbox: true,
    keyCacheTtlMillis: options.keyCacheTtlMillis,
    tenantMigrations: options.tenantMigrations,
    onQuery: options.onQuery,
    limits: options.limits,
  });
  return {
    stack,
    database,
    gatewayUrl: stack.gateway.url,
    adminToken,
    keys,
    sessionKeys,
    subgraphUrl: (name) => {
      const s = stack.subgraphs.find((x) => x.name === name);
      if (!s) throw new Error(`no subgraph ${name}`);
      return s.url;
    },
    stop: async () => {
      await stack.stop();
      if (!options.database) await database.drop();
    },
  };
}

/**
 * Another gateway on the test stack's control plane and subgraphs, as in a
 * deployment with several replicas; `overrides` change its options. Stop it
 * with the returned function (it closes its control-plane pool too).
 */
export async function startExtraGateway(
  t: TestStack,
  overrides: Partial<GatewayOptions> & { onQuery?: (sql: string) => void } = {},
): Promise<{ gateway: RunningGateway; stop: () => Promise<void> }> {
  const { onQuery, ...options } = overrides;
  // As the stack's own gateway: its database login.
  const controlPlaneUrl = serviceConfig(t.database.config, 'gateway').databaseUrl;
  const controlPlane = createDatabase<ControlPlaneDB>(controlPlaneUrl, { max: 3, applicationName: 'fluxo-gateway-extra', ...(onQuery ? { onQuery } : {}) });
  const gateway = await startGateway({
    port: 0,
    supergraphPath: t.database.config.gateway.supergraphPath,
    manifestPath: t.database.config.gateway.manifestPath,
    subgraphUrls: Object.fromEntries(t.stack.subgraphs.map((s) => [s.name, s.url])),
    controlPlane,
    controlPlaneUrl,
    contextPrivateKey: t.keys.privateKey,
    sessionPublicKey: t.sessionKeys.publicKey,
    adminToken: t.adminToken,
    sandbox: false,
    limits: t.database.config.gateway.limits,
    subgraphFaults: t.database.config.gateway.subgraphFaults,
    keyCacheTtlMillis: 60_000,
    logger: createLogger('test', 'silent'),
    ...options,
  });
  return {
    gateway,
    stop: async () => {
      await gateway.stop();
      await controlPlane.destroy();
    },
  };
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

/** POSTs an operation over HTTP, as any client would. */
export async function graphql<T = unknown, V = Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<T, V> | DocumentNode | string,
  variables?: V,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const query = typeof document === 'string' ? document : print(document);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Pick<GraphQLResponse<T>, 'data' | 'errors' | 'extensions'>;
  return { status: response.status, headers: response.headers, ...body };
}

/** The contract's example variables, with "$name" placeholders filled from `ids`, typed as the operation that takes them expects. */
export function exampleVariables<V = { input?: Record<string, unknown>; [name: string]: unknown }>(operation: string, ids: Record<string, string> = {}): V {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const examples = require('../../operations/contract/examples.json') as Record<string, unknown>;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('$')) {
      const id = ids[value.slice(1)];
      if (!id) throw new Error(`example ${operation} needs ${value}`);
      return id;
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(examples[operation]) as V;
}

/**
 * Resolves once a gateway's key cache reports every one of `keyIds` evicted,
 * as a revocation's notification does; rejects after `ms` (a deadline, not a sleep).
 * Start waiting before the revocation, then await after it.
 */
export function keysEvicted(keys: EventEmitter, keyIds: readonly string[], ms = 2000): Promise<void> {
  const pending = new Set(keyIds);
  return new Promise((resolve, reject) => {
    const onEvicted = (id: string) => {
      pending.delete(id);
      if (pending.size > 0) return;
      clearTimeout(timer);
      keys.off('evicted', onEvicted);
      resolve();
    };
    const timer = setTimeout(() => {
      keys.off('evicted', onEvicted);
      reject(new Error(`keys ${[...pending].join(', ')} were not evicted within ${ms} ms`));
    }, ms);
    keys.on('evicted', onEvicted);
  });
}

import { fullGrants, type Grants } from '../../platform/permissions';
import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Kysely } from 'kysely';
import type { AccessKeyKind } from '../../platform/control-plane';
import { createDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import type { ModuleName } from '../../platform/modules';
import { ServiceRuntime } from '../../platform/runtime';
import { ShardDirectory } from '../../platform/shards';
import { CONTEXT_HEADER, signTenantContext, type ContextUser, type TenantRef } from '../../platform/tenant-context';
import { inControlPlaneTransaction } from '../../subgraphs/access/mutation';
import { approveSubscriptionRequest } from '../../subgraphs/access/provisioning/approve-subscription';
import { requestSubscription } from '../../subgraphs/access/services/subscription-requests';
import { accessDeps } from '../../subgraphs/access/subgraph';
import type { ActorIdentity } from '../../subgraphs/kit/actor';
import { ApproveSubscriptionRequestDocument, IssueAccessKeyDocument, RequestSubscriptionDocument } from '../generated/operations';
import type { TestDatabase } from './db';
import { graphql, type GraphQLResponse, type TestStack } from './stack';
import type { TenantDB } from './tenant-db';

/** An access key of a company, as issued: its id, its secret (the bearer token) and what it grants. */
export interface CompanyKey {
  keyId: string;
  secret: string;
  modules: ModuleName[];
}

/**
 * A subscribed company, its tenant database migrated. It is also its first key
 * (`keyId`, `secret`), issued on approval with every module of the company.
 */
export interface Company extends CompanyKey {
  companyId: string;
  slug: string;
  tenant: TenantRef;
  tenantUrl: string;
  /** A pool on the tenant database; it connects on first use, so destroy it if the test used it. */
  tenantDb: Kysely<TenantDB>;
  /** Another pool of its own, for sessions that must run side by side, or typed as one module's store expects it. */
  openTenantDb: <DB = TenantDB>() => Kysely<DB>;
}

/** Sends an operation through the gateway with one key; each request gets its own x-request-id unless given one. */
export type Gql = <T = unknown, V extends Record<string, unknown> = Record<string, unknown>>(
  document: TypedDocumentNode<T, V> | string,
  variables?: V,
  options?: { requestId?: string; headers?: Record<string, string> },
) => Promise<GraphQLResponse<T>>;

export interface GatewayKey extends CompanyKey {
  gql: Gql;
}

/** A company onboarded through the gateway, with a client bound to each of its keys. */
export interface GatewayCompany<K extends string = never> extends Company, GatewayKey {
  /** The further keys `createCompany` was asked for, by the names it was given. */
  keys: Record<K, GatewayKey>;
}

export interface KeyRequest {
  modules: ModuleName[];
  kind?: AccessKeyKind;
  name?: string;
}

export interface CompanyOptions<K extends string = never> {
  modules: ModuleName[];
  name?: string;
  /** Further keys to issue as the operator, by a name the test picks. */
  keys?: Record<K, KeyRequest>;
  /** The plan the subscription asks for (a plan's code), e.g. to be placed by a plan's rule. */
  planCode?: string;
}

const operator: ActorIdentity = { kind: 'ADMIN', id: null, requestId: 'test' };
let unnamed = 0;

/** The approval's outcome, whichever way the company subscribed. */
interface Approved extends CompanyKey {
  companyId: string;
  slug: string;
}

/**
 * A company that subscribed to `modules` and was approved by the operator. With
 * a test stack, both happen over HTTP through the gateway, as a company and the
 * operator would do it; with only a test database, through the access module's
 * services, for tests without a gateway.
 */
export function createCompany<K extends string = never>(t: TestStack, options: CompanyOptions<K>): Promise<GatewayCompany<K>>;
export function createCompany(database: TestDatabase, options: Omit<CompanyOptions, 'keys'>): Promise<Company>;
export async function createCompany<K extends string>(on: TestStack | TestDatabase, options: CompanyOptions<K>): Promise<Company | GatewayCompany<K>> {
  const name = options.name ?? `Company ${(unnamed += 1)}`;
  if (!('gatewayUrl' in on)) return companyOf(on, await subscribeInProcess(on, name, options.modules, options.planCode ?? null));
  const t = on;
  const company = await companyOf(t.database, await subscribeThroughGateway(t, name, options.modules, options.planCode ?? null));
  const keys: Array<[string, GatewayKey]> = [];
  for (const [label, request] of Object.entries<KeyRequest>(options.keys ?? {})) keys.push([label, await issueKey(t, company, request.modules, request)]);
  // Object.fromEntries forgets the names' type: they are exactly those of options.keys.
  return { ...company, gql: clientOf(t, company.secret), keys: Object.fromEntries(keys) as Record<K, GatewayKey> };
}

/** Another key of the company, issued by the operator through the gateway. */
export async function issueKey(
  t: TestStack,
  company: { companyId: string },
  modules: ModuleName[],
  options: { kind?: AccessKeyKind; name?: string } = {},
): Promise<GatewayKey> {
  const input = { companyId: company.companyId, name: options.name ?? `key for ${modules.join('+')}`, kind: options.kind ?? 'STANDARD', modules };
  const res = await graphql(t.gatewayUrl, IssueAccessKeyDocument, { input }, { token: t.adminToken });
  const payload = res.data?.issueAccessKey;
  if (!payload?.accessKey || !payload.secret) throw new Error(`issuing a key failed: ${JSON.stringify(res.errors ?? payload?.userErrors)}`);
  return { keyId: payload.accessKey.id, secret: payload.secret, modules: payload.accessKey.modules, gql: clientOf(t, payload.secret) };
}

/** POSTs straight to a subgraph, bypassing the gateway, with the context the gateway would sign for the company's first key granting `modules`. */
export async function callSubgraph<T = unknown>(
  t: TestStack,
  subgraph: string,
  company: Company,
  query: string,
  variables?: Record<string, unknown>,
  modules = company.modules,
): Promise<GraphQLResponse<T>> {
  const context = await signTenantContext(
    {
      requestId: `direct-${randomUUID()}`,
      kind: 'STANDARD',
      keyId: company.keyId,
      user: null,
      sessionId: null,
      clientAddress: null,
      tenant: company.tenant,
      modules,
      grants: fullGrants(modules),
    },
    t.keys.privateKey,
  );
  return graphql<T>(t.subgraphUrl(subgraph), query, variables, { headers: { [CONTEXT_HEADER]: context } });
}

/**
 * POSTs straight to a subgraph as a person signed in to the company, with the
 * context the gateway would sign for their grants (scoped ones included).
 */
export async function callSubgraphAsUser<T = unknown>(
  t: TestStack,
  subgraph: string,
  company: Company,
  caller: { user: ContextUser; grants: Grants; modules?: ModuleName[]; keyId?: string },
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const context = await signTenantContext(
    {
      requestId: `user-${randomUUID()}`,
      kind: 'USER',
      // A person may come through a personal access token (a key they own), or a session (no key).
      keyId: caller.keyId ?? null,
      user: caller.user,
      sessionId: null,
      clientAddress: null,
      tenant: company.tenant,
      modules: caller.modules ?? company.modules,
      grants: caller.grants,
    },
    t.keys.privateKey,
  );
  return graphql<T>(t.subgraphUrl(subgraph), query, variables, { headers: { [CONTEXT_HEADER]: context } });
}

function clientOf(t: TestStack, secret: string): Gql {
  return (document, variables, options = {}) =>
    graphql(t.gatewayUrl, document, variables, { token: secret, headers: { 'x-request-id': options.requestId ?? `test-${randomUUID()}`, ...options.headers } });
}

const contactOf = (name: string) => `ops@${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`;

async function subscribeThroughGateway(t: TestStack, name: string, modules: ModuleName[], planCode: string | null): Promise<Approved> {
  const requested = await graphql(t.gatewayUrl, RequestSubscriptionDocument, {
    input: { companyName: name, contactEmail: contactOf(name), modules, planCode },
  });
  const request = requested.data?.requestSubscription.request;
  if (!request) throw new Error(`requesting a subscription failed: ${JSON.stringify(requested.errors ?? requested.data?.requestSubscription.userErrors)}`);
  const approved = await graphql(t.gatewayUrl, ApproveSubscriptionRequestDocument, { input: { requestId: request.id } }, { token: t.adminToken });
  const payload = approved.data?.approveSubscriptionRequest;
  if (!payload?.company || !payload.accessKey || !payload.secret) throw new Error(`approval failed: ${JSON.stringify(approved.errors ?? payload?.userErrors)}`);
  return { companyId: payload.company.id, slug: payload.company.slug, keyId: payload.accessKey.id, secret: payload.secret, modules: payload.company.modules };
}

async function subscribeInProcess(database: TestDatabase, name: string, modules: ModuleName[], planCode: string | null): Promise<Approved> {
  const runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  try {
    const deps = accessDeps(runtime);
    const input = { companyName: name, contactEmail: contactOf(name), modules, planCode };
    const { request } = await inControlPlaneTransaction(deps.controlPlane, operator, 'requestSubscription', (trx, actor) =>
      requestSubscription(trx, input, actor),
    );
    const { company, accessKey, secret } = await approveSubscriptionRequest(deps, request.id, operator);
    return { companyId: company.id, slug: company.slug, keyId: accessKey.id, secret, modules: company.modules };
  } finally {
    await runtime.close();
  }
}

async function companyOf(database: TestDatabase, approved: Approved): Promise<Company> {
  const row = await database.db.selectFrom('tenant').selectAll().where('company_id', '=', approved.companyId).executeTakeFirstOrThrow();
  const tenantUrl = new ShardDirectory(database.config.shards).databaseUrl(row.shard, row.database_name);
  const openTenantDb = <DB = TenantDB>() => createDatabase<DB>(tenantUrl, { max: 3 });
  return {
    ...approved,
    tenant: { id: row.id, slug: approved.slug, companyId: approved.companyId, database: row.database_name, shard: row.shard, companyModules: approved.modules },
    tenantUrl,
    tenantDb: openTenantDb(),
    openTenantDb,
  };
}

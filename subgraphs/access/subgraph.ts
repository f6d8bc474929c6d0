import { createMailer } from '../../platform/mail';
import { parsePemSetting } from '../../platform/config';
import { privateKeyFromPem } from '../../platform/tenant-context';
import { sql } from 'kysely';
import gql from 'graphql-tag';
import { subgraphSdl } from '../kit/sdl';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { createAccessContext, type AccessContext } from './context';
import type { AccessDeps } from './deps';
import { manifest } from './manifest';
import { resolvers } from './resolvers';
import { permissions } from './permissions';
import { guardResolvers } from '../kit/permissions';
import { ProviderTokenVerifier } from '../../platform/oidc';
import { rolePrefixOf } from '../../platform/db-roles';
import { discoverSubgraphs } from '../../platform/subgraphs';

export function accessDeps(runtime: ServiceRuntime): AccessDeps {
  return {
    controlPlane: runtime.controlPlane(),
    shards: runtime.shards,
    defaultShard: runtime.config.defaultShard,
    placement: runtime.config.placement,
    tenantDatabasePrefix: runtime.config.tenantDatabasePrefix,
    tenantTemplatePrefix: runtime.config.tenantTemplatePrefix,
    tenantMigrations: runtime.tenantMigrations,
    databaseRolePrefix: rolePrefixOf(runtime.config),
    sessionSigningKey: runtime.config.secrets.sessionPrivateKey
      ? parsePemSetting('FLUXO_SESSION_PRIVATE_KEY', runtime.config.secrets.sessionPrivateKey, privateKeyFromPem)
      : null,
    identityProviders: { allowHttp: runtime.config.oidc.allowHttp, tokens: new ProviderTokenVerifier({ allowHttp: runtime.config.oidc.allowHttp }) },
    mailer: createMailer(runtime.config.mail, runtime.logger.child({ module: 'access' })),
    publicUrl: runtime.config.mail.publicUrl,
    webhooksAllowLoopback: runtime.config.webhooks.allowLoopback,
    logger: runtime.logger.child({ module: 'access' }),
    tenantPools: () => runtime.tenantPools(),
    subgraphs: () => discoverSubgraphs().map((m) => ({ name: m.name, module: m.module, url: runtime.subgraphUrl(m) })),
  };
}

/** The access subgraph: plans, subscriptions, companies, keys and `me`, served from the control plane. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<AccessContext> {
  const deps = accessDeps(runtime);
  return {
    name: manifest.name,
    typeDefs: gql(subgraphSdl(manifest.name)),
    resolvers: guardResolvers(resolvers, permissions),
    createContext: (base) => createAccessContext(deps, base),
    // Access serves from the control plane alone: ready when it answers (the module subgraphs' check is the kit's shardsReachable).
    checkReady: async () => {
      await sql`SELECT 1`.execute(deps.controlPlane);
    },
  };
}

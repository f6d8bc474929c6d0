import type { KeyObject } from 'node:crypto';
import type { ControlPlane } from '../../platform/control-plane';
import type { Logger } from '../../platform/logger';
import type { Mailer } from '../../platform/mail';
import type { TenantMigrationSource } from '../../platform/migrations';
import type { PlacementPolicy } from '../../platform/placement';
import type { ShardDirectory } from '../../platform/shards';
import type { TenantPoolManager } from '../../platform/tenant-pools';
import type { ActorIdentity } from '../kit/actor';
import type { IdentityProviderDeps } from './services/identity-providers';
import type { SubgraphLocation } from './services/module-status';

/**
 * What the access subgraph's provisioning needs from the outside world. Its
 * services take a control-plane transaction instead, `(trx, input, actor)`;
 * only provisioning, which creates and migrates tenant databases outside any
 * one transaction, takes these.
 */
export interface AccessDeps {
  controlPlane: ControlPlane;
  shards: ShardDirectory;
  defaultShard: string;
  /** How new tenants are spread over the shards (FLUXO_PLACEMENT, FLUXO_PLACEMENT_RULES). */
  placement?: PlacementPolicy;
  tenantDatabasePrefix: string;
  /** Prefix of template databases new tenant databases are cloned from (FLUXO_TENANT_TEMPLATE_PREFIX); null migrates each from scratch. */
  tenantTemplatePrefix: string | null;
  tenantMigrations: TenantMigrationSource;
  /** FLUXO_DB_ROLE_PREFIX when database roles are on: provisioning then acts as the owner role and grants each service its share. */
  databaseRolePrefix: string | null;
  /** Signs people's access tokens (FLUXO_SESSION_PRIVATE_KEY); null: nobody can sign in. */
  sessionSigningKey: KeyObject | null;
  /** Companies' own OpenID Connect providers: which issuers may be named, and their tokens' verifier. */
  identityProviders: IdentityProviderDeps;
  /** Sends the owner's invitation when a subscription is approved. */
  mailer: Mailer;
  /** FLUXO_WEBHOOKS_ALLOW_LOOPBACK: webhook endpoints may be http:// on loopback (development and tests). */
  webhooksAllowLoopback: boolean;
  /** Where people reach the gateway, for links in mail (FLUXO_PUBLIC_URL). */
  publicUrl: string;
  logger: Logger;
  /** Tenant databases' pools, opened on first use: only the operator's tools (audit, dead letters) read tenants' data. */
  tenantPools: () => TenantPoolManager;
  /** Every subgraph and where it answers, for the operator's readiness view. */
  subgraphs: () => SubgraphLocation[];
}

/** How rows name who created, approved or revoked them: `standard:<key id>`, `cli:<user>`, `admin`. */
export function actorLabel(actor: ActorIdentity): string {
  return actor.id ? `${actor.kind.toLowerCase()}:${actor.id}` : actor.kind.toLowerCase();
}

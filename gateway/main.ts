// First: the instrumentations must see the modules they patch being loaded.
import '../platform/tracing-boot';
import { disableApolloTelemetry, parsePemSetting, requiredSetting, requireSettings, subgraphUrl, subgraphUrlVariable } from '../platform/config';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { serviceConfig } from '../platform/db-roles';
import { runServiceProcesses } from '../platform/service-processes';
import { privateKeyFromPem, publicKeyFromPem } from '../platform/tenant-context';
import { startGateway } from './server';
import { readSupergraph, supergraphServices } from './supergraph';

disableApolloTelemetry();

/**
 * `node dist/gateway/main.js`: the gateway alone, for real deployments, as
 * FLUXO_GATEWAY_PROCESSES processes on one port. Every subgraph runs elsewhere
 * and is found at FLUXO_<NAME>_URL; the names come from the supergraph.
 */
runServiceProcesses(
  'gateway',
  (config) => config.gateway.processes,
  async (logger, config) => {
    const settings = config.gateway;
    if (settings.processes > 1 && !settings.limits.redisUrl) {
      logger.warn({ processes: settings.processes }, 'each gateway process counts rate limits and budgets alone: set FLUXO_REDIS_URL to share them');
    }
    const services = supergraphServices(readSupergraph(settings.supergraphPath));
    // Checked together so one run names every missing variable.
    requireSettings(config, ['DATABASE_URL', 'FLUXO_ADMIN_TOKEN', 'FLUXO_CONTEXT_PRIVATE_KEY', ...services.map((s) => subgraphUrlVariable(s.name))]);
    const subgraphUrls = Object.fromEntries(services.map((s) => [s.name, subgraphUrl(config, s.name) ?? s.url]));
    const contextPrivateKey = parsePemSetting('FLUXO_CONTEXT_PRIVATE_KEY', config.secrets.contextPrivateKey, privateKeyFromPem);
    const { databaseUrl } = serviceConfig(config, 'gateway');
    const controlPlane = createDatabase<ControlPlaneDB>(databaseUrl, { max: config.pools.controlPlane, applicationName: 'fluxo-gateway' });
    try {
      const gateway = await startGateway({
        port: settings.port,
        host: settings.host,
        supergraphPath: settings.supergraphPath,
        manifestPath: settings.manifestPath,
        subgraphUrls,
        controlPlane,
        controlPlaneUrl: databaseUrl,
        contextPrivateKey,
        sessionPublicKey: config.secrets.sessionPublicKey
          ? parsePemSetting('FLUXO_SESSION_PUBLIC_KEY', config.secrets.sessionPublicKey, publicKeyFromPem)
          : null,
        adminToken: requiredSetting(config.secrets.adminToken, 'FLUXO_ADMIN_TOKEN'),
        oidcAllowHttp: config.oidc.allowHttp,
        sandbox: settings.sandbox,
        limits: settings.limits,
        subgraphFaults: settings.subgraphFaults,
        keyCacheTtlMillis: settings.keyCacheTtlMillis,
        drainGraceMillis: settings.drainGraceMillis,
        responseCache: settings.responseCache,
        sharedQueries: settings.sharedQueries,
        exposeQueryPlan: settings.exposeQueryPlan,
        corsOrigins: settings.corsOrigins,
        publicEventRetentionMillis: config.webhooks.publicEventRetentionMillis,
        logger,
      });
      return {
        url: gateway.url,
        stop: async () => {
          await gateway.stop();
          await controlPlane.destroy();
        },
      };
    } catch (error) {
      await controlPlane.destroy();
      throw error;
    }
  },
);

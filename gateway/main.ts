import { intFromEnv, loadConfig } from '../platform/config';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { limitsFromEnv, manifestPath, supergraphPath } from '../platform/config';
import { privateKeyFromPem } from '../platform/tenant-context';
import { envName } from '../platform/subgraphs';
import { bindHost, checkAdminToken, pemFromEnv, requireEnv, runService, sandboxFromEnv } from '../platform/process';
import { startGateway } from './server';
import { readSupergraph, supergraphServices } from './supergraph';

// The gateway reports anonymous usage to Apollo unless told not to; Fluxo never phones home.
process.env.APOLLO_TELEMETRY_DISABLED = '1';

/**
 * `node dist/gateway/main.js`: the gateway alone, for real deployments. Every
 * subgraph runs elsewhere and is found at FLUXO_<NAME>_URL.
 */
runService('gateway', async (logger) => {
  const urlVariables = supergraphServices(readSupergraph(supergraphPath())).map((s) => ({ name: s.name, variable: `FLUXO_${envName(s.name)}_URL` }));
  // Checked together so one run names every missing variable.
  requireEnv(['DATABASE_URL', 'FLUXO_ADMIN_TOKEN', 'FLUXO_CONTEXT_PRIVATE_KEY', ...urlVariables.map((u) => u.variable)]);
  const env = requireEnv(['FLUXO_ADMIN_TOKEN', 'FLUXO_CONTEXT_PRIVATE_KEY']);
  const subgraphUrls = Object.fromEntries(urlVariables.map((u) => [u.name, process.env[u.variable] as string]));
  const contextPrivateKey = pemFromEnv('FLUXO_CONTEXT_PRIVATE_KEY', env.FLUXO_CONTEXT_PRIVATE_KEY, privateKeyFromPem);
  const config = loadConfig();
  const controlPlane = createDatabase<ControlPlaneDB>(config.databaseUrl, {
    max: intFromEnv(process.env.FLUXO_CONTROL_PLANE_POOL, 10, 'FLUXO_CONTROL_PLANE_POOL'),
    applicationName: 'fluxo-gateway',
  });
  try {
    const gateway = await startGateway({
      port: intFromEnv(process.env.PORT, 4000, 'PORT'),
      host: bindHost(),
      supergraphPath: supergraphPath(),
    manifestPath: manifestPath(),
      subgraphUrls,
      controlPlane,
      controlPlaneUrl: config.databaseUrl,
      contextPrivateKey,
      adminToken: checkAdminToken(env.FLUXO_ADMIN_TOKEN),
      sandbox: sandboxFromEnv(),
      limits: limitsFromEnv(),
      keyCacheTtlMillis: intFromEnv(process.env.FLUXO_KEY_CACHE_TTL_MS, 30_000, 'FLUXO_KEY_CACHE_TTL_MS'),
      logger,
    });
    return {
      stop: async () => {
        await gateway.stop();
        await controlPlane.destroy();
      },
    };
  } catch (error) {
    await controlPlane.destroy();
    throw error;
  }
});

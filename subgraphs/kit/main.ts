// First: the instrumentations must see the modules they patch being loaded.
import '../../platform/tracing-boot';
import { parsePemSetting, requireSettings, subgraphPortVariable } from '../../platform/config';
import { runService } from '../../platform/process';
import { ServiceRuntime } from '../../platform/runtime';
import { serviceConfig, serviceOfSubgraph } from '../../platform/db-roles';
import { subgraphPort, type SubgraphManifest } from '../../platform/subgraphs';
import { publicKeyFromPem } from '../../platform/tenant-context';
import type { BaseContext } from './context';
import { startSubgraph, type SubgraphDefinition } from './server';

/** Builds a subgraph from its runtime: each module's subgraph.ts exports one. */
export type SubgraphFactory = (runtime: ServiceRuntime) => SubgraphDefinition<BaseContext>;

/**
 * Entry point of one subgraph for real deployments (`node dist/subgraphs/<name>/main.js`).
 * It verifies tenant contexts with FLUXO_CONTEXT_PUBLIC_KEY and reaches its
 * databases through DATABASE_URL (and FLUXO_SHARDS for other shards).
 */
export function runSubgraphMain(manifest: SubgraphManifest, createSubgraph: SubgraphFactory): void {
  runService(manifest.name, async (logger, config) => {
    requireSettings(config, ['DATABASE_URL', 'FLUXO_CONTEXT_PUBLIC_KEY']);
    const publicKey = parsePemSetting('FLUXO_CONTEXT_PUBLIC_KEY', config.secrets.contextPublicKey, publicKeyFromPem);
    const runtime = new ServiceRuntime(serviceConfig(config, serviceOfSubgraph(manifest)), logger);
    try {
      const running = await startSubgraph(createSubgraph(runtime), {
        port: subgraphPort(manifest, config),
        portVariable: subgraphPortVariable(manifest.name),
        host: config.subgraph.host,
        publicKey,
        logger,
      });
      return {
        url: running.url,
        stop: async () => {
          await running.stop();
          await runtime.close();
        },
      };
    } catch (error) {
      await runtime.close();
      throw error;
    }
  });
}

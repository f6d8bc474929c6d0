/**
 * Contenders C and C2: Hive Gateway's runtime (createGatewayRuntime of
 * @graphql-hive/gateway) with the Rust query planner of
 * @graphql-hive/router-runtime (unifiedGraphHandler), adding the same signed
 * context to every subgraph fetch (propagateHeaders). C keeps Hive's defaults,
 * in-flight deduplication of identical subgraph requests included (its key is
 * URL, method, body and, when headers are propagated, those headers); C2 turns
 * that deduplication off with the HTTP transport's
 * `deduplicateInflightRequests: false` (see @graphql-tools/executor-http).
 * Imports packages of bench/gateway/package.json only: the root typecheck leaves
 * this file out (bench/gateway/tsconfig.json checks it once they are installed).
 * BENCH_HIVE_LOG=1 turns Hive's own debug log on (in the run's C.log / C2.log).
 */
import http from 'node:http';
import fs from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { CONTEXT_HEADER } from '../../platform/tenant-context';
import { contextSigner, readSettings, reportReady } from './callers';

async function main(): Promise<void> {
  const settings = readSettings();
  const contextOf = contextSigner(settings);
  const planner = process.env.BENCH_HIVE_PLANNER ?? 'rust';
  const runtime = createGatewayRuntime({
    supergraph: fs.readFileSync(settings.supergraphPath, 'utf8'),
    ...(planner === 'rust' ? { unifiedGraphHandler } : {}),
    logging: process.env.BENCH_HIVE_LOG ? 'debug' : false,
    landingPage: false,
    graphiql: false,
    graphqlEndpoint: '/graphql',
    propagateHeaders: {
      fromClientToSubgraphs: async ({ request }) => {
        const token = await contextOf(request.headers);
        return token ? { [CONTEXT_HEADER]: token } : {};
      },
    },
    ...(settings.dedupe === false ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } } : {}),
  });
  const server = http.createServer(runtime);
  server.keepAliveTimeout = 30_000;
  server.listen(settings.port, '127.0.0.1', () => reportReady(`http://127.0.0.1:${settings.port}/graphql`));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Contender B: a plain @apollo/gateway on @apollo/server's standalone server,
 * Apollo's defaults throughout (its own subgraph fetcher, no deduplication),
 * that only adds the signed context (and a request id) to every subgraph fetch.
 * Started by run.ts with BENCH_CONTENDER_SETTINGS.
 */
import fs from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CONTEXT_HEADER } from '../../platform/tenant-context';
import { contextSigner, readSettings, reportReady } from './callers';

interface Context {
  signedContext: Promise<string> | null;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const contextOf = contextSigner(settings);
  const gateway = new ApolloGateway({
    supergraphSdl: fs.readFileSync(settings.supergraphPath, 'utf8'),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        async willSendRequest({ request, context }) {
          const token = await context.signedContext;
          if (token) request.http!.headers.set(CONTEXT_HEADER, token);
        },
      }),
  });
  const server = new ApolloServer<Context>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: settings.port, host: '127.0.0.1' },
    context: async ({ req }) => ({ signedContext: contextOf(req.headers) }),
  });
  reportReady(url);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

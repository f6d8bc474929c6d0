import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { freePort } from '../../platform/listen';

// A PostgreSQL server of its own for a test, in a child process (embedded-postgres
// is ESM-only, which jest's module system cannot load): prints its URL as one JSON
// line, stops the server when told to (SIGTERM) or when its parent goes (stdin ends).
async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: embedded-postgres-process.ts <data dir>');
  const server = await startEmbeddedPostgres({ dir, port: await freePort(), portVariable: 'the test server', persistent: false });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

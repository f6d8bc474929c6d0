import http from 'node:http';

/**
 * A collector for the tracing bench: accepts OTLP/HTTP JSON exports on
 * 127.0.0.1:SINK_PORT (4399), answers 200 and counts the spans; prints the
 * count when stopped.
 *
 *   npx tsx bench/otlp-sink.ts &
 */
const port = Number(process.env.SINK_PORT ?? 4399);
let spans = 0;

interface Export {
  resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }>;
}

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Export;
        for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
      } catch {
        // Not JSON: counted as nothing, still answered, as a collector would not stall an exporter.
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`OTLP sink on http://127.0.0.1:${port}`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`spans received: ${spans}`);
    process.exit(0);
  });
}

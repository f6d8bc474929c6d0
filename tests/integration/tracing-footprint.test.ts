import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Tracing off costs nothing: without OTEL_EXPORTER_OTLP_ENDPOINT a service's
 * entry loads no OpenTelemetry SDK, exporter or instrumentation at all. With
 * it, the same start-up loads them before the modules they patch. Checked on
 * what a fresh Node process holds in require.cache after the gateway's boot
 * and server modules are loaded from the TypeScript sources.
 */
const root = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

async function loadedWith(env: Record<string, string>): Promise<string[]> {
  const script = `require('./platform/tracing-boot'); require('./gateway/server'); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const { OTEL_EXPORTER_OTLP_ENDPOINT: _inherited, ...inherited } = process.env;
  const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    cwd: root,
    env: { ...inherited, APOLLO_TELEMETRY_DISABLED: '1', ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  // node_modules may be a link to another checkout's: paths are kept as resolved.
  return (JSON.parse(stdout) as string[]).map((file) => path.relative(root, file));
}

const SDK =
  /^node_modules\/@opentelemetry\/(sdk-trace|sdk-trace-base|sdk-trace-node|exporter-trace-otlp-http|instrumentation[^/]*|resources|context-async-hooks)\//;

it('loads no OpenTelemetry SDK or instrumentation when no endpoint is set', async () => {
  const files = await loadedWith({});
  expect(files).toContain('gateway/server.ts');
  expect(files.filter((f) => SDK.test(f))).toEqual([]);
}, 60_000);

it('loads the instrumentations when an endpoint is set', async () => {
  const files = await loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
  for (const instrumentation of [
    'instrumentation-http',
    'instrumentation-pg',
    'instrumentation-express',
    'instrumentation-graphql',
    'instrumentation-undici',
  ]) {
    expect(files.some((f) => f.includes(`node_modules/@opentelemetry/${instrumentation}/`))).toBe(true);
  }
}, 60_000);

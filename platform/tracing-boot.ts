import { loadConfig } from './config';
import { instrumentProcess } from './tracing';

/**
 * The first import of every service's entry point: the OpenTelemetry
 * instrumentations patch `http`, `express`, `graphql`, `pg` and undici as they
 * are required, so they go on before anything else is loaded. Nothing happens
 * unless OTEL_EXPORTER_OTLP_ENDPOINT is set (see ./tracing).
 */
try {
  instrumentProcess(loadConfig().tracing);
} catch {
  // A bad setting: the service's own start (runService) reports it in one line.
}

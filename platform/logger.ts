import pino, { type Logger } from 'pino';
import { traceLogFields } from './tracing';

export type { Logger };

/**
 * Root logger of a process (its level comes from config.logLevel). Request-scoped children add requestId, tenant and keyId;
 * with tracing on, every line also names the active trace and span (traceId, spanId).
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'secret', '*.secret'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceLogFields(),
  });
}

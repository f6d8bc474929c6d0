import pino, { type Logger } from 'pino';
import { traceLogFields } from './tracing';

export type { Logger };

/** Bytes of log lines a process gathers before it writes them, and the longest a line waits when it is quiet. */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_MILLIS = 1000;
let stdout: ReturnType<typeof pino.destination> | undefined;

/**
 * Standard output, written in batches: a line costs a string append on the
 * request's path, and one write call carries 4 KiB of lines (or whatever a
 * quiet second gathered). The writes are synchronous on purpose: an
 * asynchronous write still in flight when the process exits lands after the
 * exit's final flush, out of order, or not at all. The final flush runs on
 * exit (process.exit after SIGTERM included), so a stop loses no line. One per
 * process, so loggers do not interleave.
 */
function batchedStdout(): ReturnType<typeof pino.destination> {
  if (!stdout) {
    const destination = pino.destination({ dest: 1, sync: true, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MILLIS });
    process.once('exit', () => destination.flushSync());
    stdout = destination;
  }
  return stdout;
}

/**
 * Root logger of a process (its level comes from config.logLevel). Request-scoped children add requestId, tenant and keyId;
 * with tracing on, every line also names the active trace and span (traceId, spanId).
 */
export function createLogger(service: string, level: string): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'secret', '*.secret'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceLogFields(),
  };
  return level === 'silent' ? pino(options) : pino(options, batchedStdout());
}

import Redis from 'ioredis';
import type { Logger } from '../platform/logger';

/**
 * The Redis client of the rate limits. Commands are not queued while it is
 * disconnected, so a limit check fails at once and the limiter falls back to
 * memory instead of making the request wait; reconnection goes on in the
 * background and each outage is logged once.
 */
export function connectLimitStore(url: string, logger: Logger): Redis {
  const store = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectionName: 'fluxo-gateway' });
  let healthy = true;
  store.on('ready', () => {
    if (!healthy) logger.info('rate-limit store reachable again');
    healthy = true;
  });
  store.on('error', (error: Error) => {
    if (healthy) logger.warn({ err: error.message }, 'rate-limit store unreachable: limits fall back to this process');
    healthy = false;
  });
  return store;
}

import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import type { ModuleName } from '../platform/modules';
import { announceChange } from '../platform/response-cache-signal';

/**
 * The relay's announcement, to every gateway, that one company's events were
 * relayed, or its tables written, and which modules that may have changed:
 * the gateways' response caches stop serving what they kept of those modules
 * (docs/response-cache.md). It comes after the writes committed, so an answer
 * read after it is read from the changed data. A failure is logged and never
 * reaches the relay; it answers false, and the relay keeps the tables' marks
 * to announce them on its next pass.
 */
export function responseCacheAnnouncer(
  controlPlane: ControlPlane,
  companyId: string,
  logger: Logger,
): (modules: ReadonlySet<ModuleName>, source: 'event' | 'data') => Promise<boolean> {
  return async (modules, source) => {
    try {
      await announceChange(controlPlane, { companyId, modules: [...modules].sort(), source });
      return true;
    } catch (error) {
      logger.warn({ err: error, modules: [...modules], source }, 'response caches not told of changed data');
      return false;
    }
  };
}

import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import type { ModuleName } from '../platform/modules';
import { announceChange } from '../platform/response-cache-signal';

/**
 * The relay's announcement, to every gateway, that one company's events were
 * relayed and which modules they may have changed: the gateways' response
 * caches stop serving what they kept of those modules (docs/response-cache.md).
 * It comes after the consumers committed, so an answer read after it is read
 * from the changed data. A failure is logged and never reaches the relay; the
 * answers it would have invalidated expire with their cache hints' max age.
 */
export function responseCacheAnnouncer(controlPlane: ControlPlane, companyId: string, logger: Logger): (modules: ReadonlySet<ModuleName>) => Promise<void> {
  return async (modules) => {
    try {
      await announceChange(controlPlane, { companyId, modules: [...modules].sort(), source: 'event' });
    } catch (error) {
      logger.warn({ err: error, modules: [...modules] }, 'response caches not told of relayed events');
    }
  };
}

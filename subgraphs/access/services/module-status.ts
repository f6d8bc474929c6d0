import type { ModuleName } from '../../../platform/modules';

/** A subgraph to probe: its name, its module (null for access) and its /graphql URL. */
export interface SubgraphLocation {
  name: string;
  module: ModuleName | null;
  url: string;
}

export interface ModuleStatus {
  service: string;
  module: ModuleName | null;
  ready: boolean;
  detail: string | null;
  checkedAt: Date;
}

/** A probe slower than this counts as not ready: the operator's console must answer even when a subgraph hangs. */
const PROBE_TIMEOUT_MILLIS = 2000;

async function probe(url: string): Promise<string | null> {
  try {
    const response = await fetch(url.replace(/\/graphql$/, '/ready'), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MILLIS) });
    await response.body?.cancel();
    return response.ok ? null : `status ${response.status}`;
  } catch (error) {
    return error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unreachable';
  }
}

async function selfCheck(check: () => Promise<void>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch {
    return 'control plane unreachable';
  }
}

/**
 * Every subgraph's readiness, probed in parallel over HTTP as the gateway's
 * /ready does; the subgraph answering (`self`) runs its own check instead of
 * calling itself.
 */
export async function moduleStatuses(subgraphs: readonly SubgraphLocation[], self: { name: string; check: () => Promise<void> }): Promise<ModuleStatus[]> {
  return Promise.all(
    subgraphs.map(async (s) => {
      const detail = s.name === self.name ? await selfCheck(self.check) : await probe(s.url);
      return { service: s.name, module: s.module, ready: detail === null, detail, checkedAt: new Date() };
    }),
  );
}

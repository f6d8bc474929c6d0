import type { IncomingMessage } from 'node:http';
import type { Express } from 'express';
import { GraphQLError } from 'graphql';
import { sql } from 'kysely';
import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import type { Caller } from './caller';
import type { credentialGuard } from './limits';
import type { GatewayMetrics } from './metrics';
import { modulesReport, probeSubgraph } from './observability';

export interface OperationalRouteDeps {
  controlPlane: ControlPlane;
  /** Subgraph name → its /graphql URL. */
  subgraphUrls: Record<string, string>;
  metrics: GatewayMetrics;
  identify: (req: IncomingMessage) => Promise<Caller>;
  guardCredentials: ReturnType<typeof credentialGuard>;
  logger: Logger;
}

/**
 * The routes beside /graphql: /health (the process is alive), /ready (control
 * plane and every subgraph reachable), /metrics (Prometheus) and, for the
 * operator only, /observability/modules.
 */
export function mountOperationalRoutes(app: Express, deps: OperationalRouteDeps): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', async (_req, res) => {
    const checks: Record<string, string> = {};
    await Promise.all([
      sql`SELECT 1`.execute(deps.controlPlane).then(
        () => (checks.controlPlane = 'ok'),
        () => (checks.controlPlane = 'unreachable'),
      ),
      ...Object.entries(deps.subgraphUrls).map(async ([name, url]) => (checks[name] = await probeSubgraph(url))),
    ]);
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  // For the operator only: per module, its subgraph, its tenants and their schemas, and this gateway's fetches to it.
  app.get('/observability/modules', async (req, res) => {
    const clientAddress = req.socket.remoteAddress ?? 'unknown';
    try {
      const caller = await deps.guardCredentials(clientAddress, () => deps.identify(req));
      if (caller.kind !== 'ADMIN') {
        res
          .status(caller.kind === 'ANONYMOUS' ? 401 : 403)
          .json({ error: { code: caller.kind === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: 'Only the operator token may read this' } });
        return;
      }
      res.json({
        generatedAt: new Date().toISOString(),
        modules: await modulesReport({ controlPlane: deps.controlPlane, subgraphUrls: deps.subgraphUrls, fetches: deps.metrics.fetchFigures }),
      });
    } catch (error) {
      const code = error instanceof GraphQLError ? String(error.extensions.code ?? 'INTERNAL_SERVER_ERROR') : 'INTERNAL_SERVER_ERROR';
      const status = error instanceof GraphQLError ? Number((error.extensions.http as { status?: number } | undefined)?.status ?? 500) : 500;
      if (status >= 500) deps.logger.error({ err: error }, 'observability report failed');
      res.status(status).json({ error: { code, message: status >= 500 ? 'Internal server error' : (error as Error).message } });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

import type { IncomingMessage } from 'node:http';
import type { Express, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { sql } from 'kysely';
import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import { FLUXO_VERSION } from '../platform/version';
import { credentialForGuessing, type Caller } from './caller';
import { sendRefusal } from './front-door';
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
  /** True once the gateway is stopping: /ready then says so, whatever the checks. */
  draining: () => boolean;
  logger: Logger;
}

/**
 * The routes beside /graphql: /health (the process is alive), /ready (control
 * plane and every subgraph reachable, and not draining) and, for the operator only, /metrics
 * (Prometheus) and /observability/modules.
 */
export function mountOperationalRoutes(app: Express, deps: OperationalRouteDeps): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway', version: FLUXO_VERSION });
  });
  app.get('/ready', async (_req, res) => {
    if (deps.draining()) {
      res.status(503).json({ status: 'draining', checks: {} });
      return;
    }
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
    if (!(await operatorOnly(req, res, deps))) return;
    try {
      res.json({
        generatedAt: new Date().toISOString(),
        modules: await modulesReport({ controlPlane: deps.controlPlane, subgraphUrls: deps.subgraphUrls, fetches: deps.metrics.fetchFigures }),
      });
    } catch (error) {
      deps.logger.error({ err: error }, 'observability report failed');
      sendRefusal(res, 'INTERNAL_SERVER_ERROR', 'Internal server error', 500);
    }
  });
  // The figures tell an outsider which tenants and modules are busy: for the operator only.
  app.get('/metrics', async (req, res) => {
    if (!(await operatorOnly(req, res, deps))) return;
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

/**
 * Lets the operator's token through; answers anyone else with a coded error
 * in GraphQL's JSON shape (401 without a valid credential, 403 with a company
 * key, 429 with Retry-After while guesses from the address are refused).
 */
async function operatorOnly(req: Request, res: Response, deps: OperationalRouteDeps): Promise<boolean> {
  const clientAddress = req.socket.remoteAddress ?? 'unknown';
  const credential = credentialForGuessing(req.headers);
  try {
    const caller = credential === null ? await deps.identify(req) : await deps.guardCredentials(clientAddress, credential, () => deps.identify(req));
    if (caller.kind === 'ADMIN') return true;
    const anonymous = caller.kind === 'ANONYMOUS';
    sendRefusal(res, anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN', 'Only the operator token may read this', anonymous ? 401 : 403);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const http = error.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
    for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
    sendRefusal(res, String(error.extensions.code ?? 'UNAUTHENTICATED'), error.message, http?.status ?? 401);
  }
  return false;
}

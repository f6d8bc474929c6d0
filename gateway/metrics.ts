import client from 'prom-client';
import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import type { GatewayContext } from './context';
import type { SubgraphFetchFigures } from './observability';
import type { CircuitStateName } from './subgraph-breaker';

const CIRCUIT_STATES: readonly CircuitStateName[] = ['closed', 'half_open', 'open'];

/** The label of every operation outside the persisted manifest. */
export const OTHER_OPERATION = 'other';

/**
 * The operation label: a persisted operation's manifest name, found by the
 * hash of its document, or one bucket for everything else. Clients name
 * operations freely, and a label per name would grow the series without bound.
 */
export function operationLabel(queryHash: string | undefined, manifestNames: ReadonlyMap<string, string>): string {
  return (queryHash === undefined ? undefined : manifestNames.get(queryHash)) ?? OTHER_OPERATION;
}

/** Prometheus metrics of one gateway process, served on /metrics; `manifestNames` maps persisted operations' ids to their names. */
export function createMetrics(manifestNames: ReadonlyMap<string, string>) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'fluxo_graphql_requests_total',
    help: 'GraphQL operations served, by persisted operation name (`other` for any other operation), caller kind and outcome',
    labelNames: ['operation', 'caller', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'fluxo_graphql_request_duration_seconds',
    help: 'Time to serve a GraphQL operation through the gateway',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const fetches = new client.Histogram({
    name: 'fluxo_subgraph_fetch_duration_seconds',
    help: 'Time of one fetch from the gateway to a subgraph, by subgraph and outcome',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const circuits = new client.Gauge({
    name: 'fluxo_subgraph_circuit_state',
    help: "State of each subgraph's circuit breaker: 1 for its current state (closed, half_open or open), 0 for the others",
    labelNames: ['subgraph', 'state'] as const,
    registers: [registry],
  });
  /** Records a subgraph circuit's new state. */
  const observeCircuit = (subgraph: string, current: CircuitStateName) => {
    for (const state of CIRCUIT_STATES) circuits.set({ subgraph, state }, state === current ? 1 : 0);
  };
  /** Records one subgraph fetch: `ok` false when it failed or its answer carried errors. */
  const observeFetch = (subgraph: string, seconds: number, ok: boolean) => fetches.observe({ subgraph, outcome: ok ? 'ok' : 'error' }, seconds);
  /** Fetches per subgraph since start: count, failures and mean duration. */
  const fetchFigures = async (): Promise<Record<string, SubgraphFetchFigures>> => {
    const totals: Record<string, { count: number; errors: number; sum: number }> = {};
    for (const value of (await fetches.get()).values) {
      const subgraph = String(value.labels.subgraph);
      const entry = (totals[subgraph] ??= { count: 0, errors: 0, sum: 0 });
      if (value.metricName === 'fluxo_subgraph_fetch_duration_seconds_count') {
        entry.count += value.value;
        if (value.labels.outcome === 'error') entry.errors += value.value;
      } else if (value.metricName === 'fluxo_subgraph_fetch_duration_seconds_sum') entry.sum += value.value;
    }
    return Object.fromEntries(
      Object.entries(totals).map(([subgraph, t]) => [
        subgraph,
        { total: t.count, errors: t.errors, meanMs: t.count > 0 ? Math.round((t.sum / t.count) * 10_000) / 10 : null },
      ]),
    );
  };
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }) {
      const stop = duration.startTimer();
      return {
        async willSendResponse({ queryHash, errors, response }) {
          const operation = operationLabel(queryHash, manifestNames);
          requests.inc({ operation, caller: contextValue.caller.kind, outcome: errorCount(errors, response) > 0 ? 'error' : 'ok' });
          stop({ operation });
        },
      };
    },
  };
  return { registry, plugin, observeFetch, observeCircuit, fetchFigures };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;

/**
 * Errors of an answer: those Apollo collected, or, for an answer a plugin gave
 * instead of executing (a query-cost refusal), those of its body.
 */
export function errorCount(errors: readonly unknown[] | undefined, response: GraphQLResponse): number {
  if (errors?.length) return errors.length;
  return response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0;
}

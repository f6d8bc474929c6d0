import client from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context';

/** Prometheus metrics of one gateway process, served on /metrics. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'fluxo_graphql_requests_total',
    help: 'GraphQL operations served, by operation name, caller kind and outcome',
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
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }) {
      const stop = duration.startTimer();
      return {
        async willSendResponse({ operationName, errors }) {
          const operation = operationName ?? 'anonymous';
          requests.inc({ operation, caller: contextValue.caller.kind, outcome: errors?.length ? 'error' : 'ok' });
          stop({ operation });
        },
      };
    },
  };
  return { registry, plugin };
}

import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type Redis from 'ioredis';
import type { CostBucketOptions, LimitOptions } from '../platform/config';
import { ErrorCode } from '../platform/errors';
import type { GatewayContext } from './context';
import { memoryCostBudget, redisCostBudget, type CostBudget } from './cost-budget';
import { principalOf } from './limits';
import { operationCost, resultCost } from './query-cost';

/** `extensions.cost` of every response whose operation was resolved (docs/limits.md). */
export interface CostReport {
  requested: number;
  /** What the answer's lists actually held, costed the same way; 0 when the query was refused. */
  actual: number;
  /** The caller's budget after this request; null for the operator, who is not limited. */
  budget: { remaining: number; capacity: number; refillPerSecond: number } | null;
}

export interface CostLimitOptions {
  limits: LimitOptions;
  /** Redis shared by the gateways, or null for this process's memory. */
  store: Redis | null;
  /** Costs of the persisted operations by id, computed when the manifest was built. */
  manifestCosts: ReadonlyMap<string, number>;
}

/**
 * Spends each query's cost from its caller's budget before any subgraph is
 * planned or called: a query the budget cannot pay is refused with
 * COST_LIMITED (HTTP 429, Retry-After), one that no budget could ever pay with
 * QUERY_TOO_COSTLY (HTTP 400) and nothing spent. The cost is computed once the
 * operation is resolved and spent in responseForOperation, which Apollo calls
 * only after every plugin's checks of the operation passed (they run
 * together), so a query refused for another reason spends nothing.
 */
export function costLimitPlugin(options: CostLimitOptions): ApolloServerPlugin<GatewayContext> {
  const now = options.limits.now ?? Date.now;
  const budget: CostBudget = options.store ? redisCostBudget(options.store, now) : memoryCostBudget(now);
  return {
    async requestDidStart() {
      let requested = 0;
      let report: CostReport | null = null;
      return {
        async didResolveOperation({ schema, document, request, queryHash }) {
          requested = options.manifestCosts.get(queryHash) ?? operationCost(schema, document, request.operationName, { variables: request.variables }) ?? 0;
        },
        async responseForOperation({ contextValue }) {
          if (contextValue.caller.kind === 'ADMIN') {
            report = { requested, actual: requested, budget: null };
            return null;
          }
          const principal = principalOf(contextValue.caller);
          const shape = principal ? options.limits.costBudget.keyed : options.limits.costBudget.anonymous;
          const key = principal ? `key:${principal}` : `anon:${contextValue.clientAddress}`;
          const tooCostly = requested > shape.capacity;
          // A query no budget can pay spends nothing: a zero spending reads the balance.
          const spending = await budget.spend(key, tooCostly ? 0 : requested, shape);
          report = { requested, actual: 0, budget: { remaining: spending.remaining, ...shape } };
          if (tooCostly) return refusal(queryTooCostly(requested, shape), 400);
          if (!spending.allowed) return refusal(costLimited(requested, spending.retryAfterSeconds), 429, spending.retryAfterSeconds);
          report.actual = requested;
          return null;
        },
        async willSendResponse({ response, schema, document, request }) {
          if (!report || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (report.actual > 0 && document && result.data) {
            report.actual = resultCost(schema, document, request.operationName, result.data) ?? report.requested;
          }
          result.extensions = { ...result.extensions, cost: report };
        },
      };
    },
  };
}

/** The answer to a refused query, built here because responseForOperation answers rather than throws. */
function refusal(error: GraphQLFormattedError, status: number, retryAfter?: number): GraphQLResponse {
  const headers = new HeaderMap();
  if (retryAfter !== undefined) headers.set('retry-after', String(retryAfter));
  return { http: { status, headers }, body: { kind: 'single', singleResult: { errors: [error] } } };
}

function costLimited(requested: number, retryAfter: number): GraphQLFormattedError {
  return {
    message: `Query cost budget exhausted: this query costs ${requested}; retry in ${retryAfter} s`,
    extensions: { code: ErrorCode.COST_LIMITED, retryAfterSeconds: retryAfter },
  };
}

function queryTooCostly(requested: number, shape: CostBucketOptions): GraphQLFormattedError {
  return {
    message: `This query costs ${requested}, more than a whole budget of ${shape.capacity}: ask for smaller pages or fewer nested lists`,
    extensions: { code: ErrorCode.QUERY_TOO_COSTLY, cost: requested, capacity: shape.capacity },
  };
}

import client from 'prom-client';
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { GatewayContext } from './context';
import { fetchTraceOf, traceFetches } from './fetch-trace';
import { companyWrittenBy, EVERY_COMPANY, operationKey } from './request-keys';

/** An answer one execution gave to every identical query that waited for it. */
type SharedData = Record<string, unknown>;

interface Execution {
  /** The answer's data, or null when the waiting requests must execute on their own. */
  answer: Promise<SharedData | null>;
  /** The company's write count on this gateway when the execution began. */
  writes: number;
}

/**
 * Identical queries in flight at once, executed once (docs/shared-queries.md).
 * A query that arrives while an identical one of the same
 * caller is being executed waits for that execution and gets its answer,
 * instead of planning, fetching and assembling the same answer again.
 *
 * Identical means the same operation key (./fetch-trace): every claim of the
 * verified caller as signed for the subgraphs, the operation's name, document
 * and variables; so two companies, two keys, two people or two grants never
 * share. Each request still passes every check on its own (limits, partner
 * rules, cost budget) before it may wait: only execution is shared. Never
 * shared: mutations, the operator's and anonymous requests, a request for the
 * query plan, an answer with errors, and an answer any subgraph marked as the
 * requester's own (the audit of a reveal): then every waiting request executes
 * on its own. A query never joins an execution that began before a mutation
 * this gateway ran for the same company, so a client reads its own writes.
 */
export class SharedQueries {
  private readonly executions = new Map<string, Execution>();
  private readonly writes = new Map<string, number>();
  private readonly outcomes: client.Counter<'outcome'>;

  constructor(
    private readonly enabled: boolean,
    registry: client.Registry,
  ) {
    this.outcomes = new client.Counter({
      name: 'fluxo_shared_queries_total',
      help: 'Company queries by how they were answered (executed: by their own execution; shared: by an identical one in flight; refused: waited for an answer that could not be shared, then executed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
  }

  /** Executions in flight now (for tests and diagnosis). */
  get inFlight(): number {
    return this.executions.size;
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    // Off (FLUXO_SHARED_QUERIES=0), it has nothing to do on any request.
    if (!this.enabled) return {};
    return {
      requestDidStart: async ({ contextValue }) => {
        let leading: { key: string; execution: Execution; settle: (data: SharedData | null) => void } | null = null;
        return {
          responseForOperation: async (rc) => {
            const key = operationKey(rc);
            if (key === null) return null;
            const companyId = contextValue.caller.tenant!.companyId;
            const writes = this.writeCount(companyId);
            const running = this.executions.get(key);
            if (running && running.writes === writes) {
              const data = await running.answer;
              if (data) {
                this.outcomes.inc({ outcome: 'shared' });
                return { body: { kind: 'single', singleResult: { data } }, http: { status: undefined, headers: new HeaderMap() } } satisfies GraphQLResponse;
              }
              this.outcomes.inc({ outcome: 'refused' });
              return null;
            }
            let settle!: (data: SharedData | null) => void;
            const execution: Execution = { answer: new Promise((resolve) => (settle = resolve)), writes };
            this.executions.set(key, execution);
            leading = { key, execution, settle };
            traceFetches(contextValue);
            this.outcomes.inc({ outcome: 'executed' });
            return null;
          },
          willSendResponse: async (rc) => {
            if (rc.operation?.operation === 'mutation' && contextValue.caller.kind !== 'ANONYMOUS') this.wrote(companyWrittenBy(contextValue.caller));
            if (!leading) return;
            if (this.executions.get(leading.key) === leading.execution) this.executions.delete(leading.key);
            const body = rc.response.body;
            const trace = fetchTraceOf(contextValue);
            const shareable = body?.kind === 'single' && !body.singleResult.errors?.length && !rc.errors?.length && trace !== undefined && !trace.unshared;
            leading.settle(shareable ? (body.singleResult.data ?? null) : null);
            leading = null;
          },
        };
      },
    };
  }

  private writeCount(companyId: string): number {
    return (this.writes.get(companyId) ?? 0) + (this.writes.get(EVERY_COMPANY) ?? 0);
  }

  /** A mutation ran (whatever its outcome: it may have written before failing): executions that began before it are joined no more. */
  private wrote(companyId: string): void {
    this.writes.set(companyId, (this.writes.get(companyId) ?? 0) + 1);
  }
}

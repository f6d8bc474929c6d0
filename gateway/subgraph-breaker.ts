import type { Fetcher } from '@apollo/utils.fetcher';
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  isBrokenCircuitError,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type FailureReason,
} from 'cockatiel';
import type { SubgraphFaultOptions } from '../platform/config';
import type { Logger } from '../platform/logger';

/** What a circuit is doing, as /metrics labels it. */
export type CircuitStateName = 'closed' | 'open' | 'half_open';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/**
 * Statuses with which a subgraph (or a proxy in front of it) says it cannot
 * serve now. Any other status is an answer: a 4xx or a 500 is relayed as it
 * was before, and does not count against the subgraph's circuit.
 */
const OUTAGE_STATUSES = new Set([502, 503, 504]);

class OutageStatus extends Error {
  constructor(readonly status: number) {
    super(`answered HTTP ${status}`);
  }
}

/** A subgraph call that did not get an answer: the data source turns it into SUBGRAPH_UNAVAILABLE errors. */
export class SubgraphUnavailable extends Error {
  constructor(
    readonly subgraph: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`subgraph ${subgraph} unavailable: ${reason}`, options);
  }
}

function reasonOf(error: unknown, options: SubgraphFaultOptions): string {
  if (isBrokenCircuitError(error)) return 'circuit open';
  // Not cockatiel's isTaskCancelledError: in 3.2.1 it tests for the bulkhead's marker instead.
  if (error instanceof TaskCancelledError) return `no answer within ${options.timeoutMillis} ms`;
  if (error instanceof OutageStatus) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return `unreachable (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})`;
}

const failureReason = (failure: FailureReason<unknown> | { isolated: true }, options: SubgraphFaultOptions): string =>
  'error' in failure ? reasonOf(failure.error, options) : 'isolated';

export interface CircuitEvents {
  logger: Logger;
  /** Called on every change of the circuit's state (and once at the start, closed). */
  onState: (subgraph: string, state: CircuitStateName) => void;
}

/**
 * Wraps one subgraph's fetcher in a deadline and a circuit breaker (cockatiel).
 * The deadline covers the whole call, connection to last byte, and aborts the
 * request so its socket is freed; the breaker opens after
 * `breakerFailures` consecutive failures (timeouts, refused or dropped
 * connections, 502/503/504), refuses calls at once while open, and lets one
 * probe through after `halfOpenAfterMillis`. A failure throws
 * SubgraphUnavailable. Logs once per outage, not once per request.
 */
export function guardedFetcher(subgraph: string, fetcher: Fetcher, options: SubgraphFaultOptions, events: CircuitEvents): Fetcher {
  const logger = events.logger.child({ subgraph });
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMillis,
    breaker: new ConsecutiveBreaker(options.breakerFailures),
  });
  // The fetcher has read the whole answer when it returns, so nothing is left to abort then: aborting on return
  // (cockatiel's default) only built an AbortError (a DOMException with its stack) per call.
  const deadline = timeout(options.timeoutMillis, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  let outage = false;
  breaker.onBreak((failure) => {
    // A failed probe re-opens the circuit: the outage was reported when it began.
    if (outage) return logger.debug({ reason: failureReason(failure, options) }, 'subgraph probe failed; circuit open again');
    outage = true;
    logger.warn(
      { reason: failureReason(failure, options), failures: options.breakerFailures, halfOpenAfterMillis: options.halfOpenAfterMillis },
      'subgraph unavailable: circuit open, its fields answer SUBGRAPH_UNAVAILABLE at once until a probe succeeds',
    );
  });
  breaker.onReset(() => {
    outage = false;
    logger.info('subgraph answers again: circuit closed');
  });
  breaker.onStateChange((state) => events.onState(subgraph, STATE_NAMES[state]));
  events.onState(subgraph, 'closed');

  return async (url, init) => {
    try {
      // The breaker outside the deadline, each called directly: the deadline's signal is then the call's only one,
      // derived from the caller's when there is one. (Through `wrap`, a call without a signal of its own listened on
      // cockatiel's one shared signal, tripping Node's listener-leak warning past ten calls at once, unless it
      // brought a signal of its own: a second AbortController per call.)
      return await breaker.execute(() =>
        deadline.execute(
          async ({ signal }) => {
            const response = await fetcher(url, { ...init, signal }).catch((error: unknown) => {
              // The deadline aborts the request, which may reject before the timeout policy does.
              throw signal.aborted ? new TaskCancelledError() : error;
            });
            if (OUTAGE_STATUSES.has(response.status)) throw new OutageStatus(response.status);
            return response;
          },
          init?.signal as AbortSignal | undefined,
        ),
      );
    } catch (error) {
      const unavailable = new SubgraphUnavailable(subgraph, reasonOf(error, options), { cause: error });
      if (!outage) logger.debug({ reason: unavailable.reason }, 'subgraph call failed');
      throw unavailable;
    }
  };
}

import type { Fetcher } from '@apollo/utils.fetcher';
import { getEventListeners } from 'node:events';
import { neverAbortedSignal } from 'cockatiel/dist/common/abort';
import pino from 'pino';
import { createMetrics } from '../../gateway/metrics';
import { guardedFetcher, SubgraphUnavailable, type CircuitStateName } from '../../gateway/subgraph-breaker';
import type { SubgraphFaultOptions } from '../../platform/config';

const FAULTS: SubgraphFaultOptions = { timeoutMillis: 50, breakerFailures: 3, halfOpenAfterMillis: 60_000 };

/** A guarded fetcher over `answer`, with the calls that reached it, its log lines and its circuit's states. */
function guard(answer: (signal: AbortSignal) => Promise<Response>, faults: SubgraphFaultOptions = FAULTS) {
  const seen = { calls: 0, lines: [] as Array<{ level: number; msg: string; reason?: string }>, states: [] as CircuitStateName[] };
  const inner: Fetcher = async (_url, init) => {
    seen.calls += 1;
    return answer(init!.signal as AbortSignal);
  };
  const logger = pino({ level: 'debug' }, { write: (line: string) => seen.lines.push(JSON.parse(line)) });
  const onState = (_subgraph: string, state: CircuitStateName) => seen.states.push(state);
  const fetcher = guardedFetcher('assets', inner, faults, { logger, onState });
  return { seen, call: () => fetcher('http://assets/graphql', { method: 'POST', body: '{}' }) };
}

const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
const answering = (status: number) => () => Promise.resolve(new Response('{"data":{}}', { status, headers: { 'content-type': 'application/json' } }));
/** Never answers; gives up only when its request is aborted. */
const frozen = (signal: AbortSignal) => new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

async function failure(call: () => Promise<unknown>): Promise<SubgraphUnavailable> {
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SubgraphUnavailable);
  return error as SubgraphUnavailable;
}

const levels = (lines: Array<{ level: number }>) => lines.map((l) => pino.levels.labels[l.level]);

describe('a guarded subgraph fetcher', () => {
  it('takes many calls at once without piling listeners on one shared signal', async () => {
    // Without a signal per call, cockatiel listens on its one never-aborted signal, once per call in flight,
    // and past ten Node warns of a listener leak.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { call } = guard(() => gate.then(answering(200)), { ...FAULTS, timeoutMillis: 5_000 });
    const calls = Array.from({ length: 50 }, call);
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(neverAbortedSignal, 'abort')).toHaveLength(0);
    release();
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual(Array(50).fill(200));
  });

  it('gives up on a frozen subgraph at its deadline and aborts the request', async () => {
    let aborted: AbortSignal | null = null;
    const { call } = guard((signal) => {
      aborted = signal;
      return frozen(signal);
    });
    const started = performance.now();
    const error = await failure(call);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ subgraph: 'assets', reason: 'no answer within 50 ms' });
    expect(aborted!.aborted).toBe(true);
  });

  it('names why a call failed: a refused connection, or an outage status', async () => {
    expect((await failure(guard(refused).call)).reason).toBe('unreachable (ECONNREFUSED)');
    for (const status of [502, 503, 504]) expect((await failure(guard(answering(status)).call)).reason).toBe(`answered HTTP ${status}`);
  });

  it('relays any other answer as it is, without counting it against the subgraph', async () => {
    const { seen, call } = guard(answering(500));
    for (let i = 0; i < FAULTS.breakerFailures + 2; i += 1) expect((await call()).status).toBe(500);
    expect(seen.calls).toBe(FAULTS.breakerFailures + 2);
    expect(seen.states).toEqual(['closed']);
  });

  it('opens after consecutive failures, then refuses at once without calling, with one warning', async () => {
    const { seen, call } = guard(refused);
    for (let i = 0; i < FAULTS.breakerFailures; i += 1) await failure(call);
    expect(seen.calls).toBe(FAULTS.breakerFailures);
    expect(seen.states).toEqual(['closed', 'open']);
    for (let i = 0; i < 10; i += 1) expect((await failure(call)).reason).toBe('circuit open');
    expect(seen.calls).toBe(FAULTS.breakerFailures);
    expect(levels(seen.lines).filter((level) => level !== 'debug')).toEqual(['warn']);
    expect(seen.lines.find((l) => levels([l])[0] === 'warn')).toMatchObject({ subgraph: 'assets', reason: 'unreachable (ECONNREFUSED)' });
  });

  it('counts only consecutive failures: an answer in between starts the count again', async () => {
    let fail = true;
    const { seen, call } = guard(() => (fail ? refused() : answering(200)()));
    for (let i = 0; i < FAULTS.breakerFailures - 1; i += 1) await failure(call);
    fail = false;
    await call();
    fail = true;
    for (let i = 0; i < FAULTS.breakerFailures - 1; i += 1) await failure(call);
    expect(seen.states).toEqual(['closed']);
  });

  it('half-opens after its delay: a failed probe keeps it open quietly, a successful one closes it', async () => {
    let healthy = false;
    const { seen, call } = guard(() => (healthy ? answering(200)() : refused()), { ...FAULTS, halfOpenAfterMillis: 5 });
    for (let i = 0; i < FAULTS.breakerFailures; i += 1) await failure(call);
    const probeReached = async () => {
      const before = seen.calls;
      const deadline = Date.now() + 2_000;
      while (seen.calls === before && Date.now() < deadline) await call().catch(() => undefined);
      return seen.calls - before;
    };
    expect(await probeReached()).toBe(1); // the probe failed: open again
    expect(seen.states).toEqual(['closed', 'open', 'half_open', 'open']);
    healthy = true;
    expect(await probeReached()).toBe(1);
    expect(seen.states).toEqual(['closed', 'open', 'half_open', 'open', 'half_open', 'closed']);
    expect((await call()).status).toBe(200);
    expect(levels(seen.lines).filter((level) => level !== 'debug')).toEqual(['warn', 'info']);
  });

  it("shows each subgraph's circuit state in the gateway's metrics", async () => {
    const metrics = createMetrics(new Map());
    const fetcher = guardedFetcher('assets', refused, FAULTS, { logger: pino({ level: 'silent' }), onState: metrics.observeCircuit });
    guardedFetcher('finance', refused, FAULTS, { logger: pino({ level: 'silent' }), onState: metrics.observeCircuit });
    for (let i = 0; i < FAULTS.breakerFailures; i += 1) await failure(() => fetcher('http://assets/graphql'));
    const text = await metrics.registry.metrics();
    const states = text.split('\n').filter((line) => line.startsWith('fluxo_subgraph_circuit_state{'));
    expect(states.sort()).toEqual(
      [
        'fluxo_subgraph_circuit_state{subgraph="assets",state="closed"} 0',
        'fluxo_subgraph_circuit_state{subgraph="assets",state="half_open"} 0',
        'fluxo_subgraph_circuit_state{subgraph="assets",state="open"} 1',
        'fluxo_subgraph_circuit_state{subgraph="finance",state="closed"} 1',
        'fluxo_subgraph_circuit_state{subgraph="finance",state="half_open"} 0',
        'fluxo_subgraph_circuit_state{subgraph="finance",state="open"} 0',
      ].sort(),
    );
  });
});

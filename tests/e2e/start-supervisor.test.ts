import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopLeftoverPostgres } from '../../platform/embedded-postgres';
import { freePort } from '../../platform/listen';

/**
 * The real `fluxo start` (embedded PostgreSQL, every service a child process)
 * in a temporary data dir on free ports. One start serves both tests: a killed
 * subgraph comes back, then the start itself is SIGKILLed and started again.
 */
const root = path.resolve(__dirname, '..', '..');
const SUBGRAPHS = ['access', 'assets', 'employees', 'finance', 'payroll'];
const START_MILLIS = 150_000;

interface Start {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let gatewayUrl: string;
const starts: Start[] = [];

function launch(): Start {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const start = { child, output: () => output, exited };
  starts.push(start);
  return start;
}

/** Polls `check` until it returns a value, failing with `describe()` at the deadline. */
async function until<T>(check: () => Promise<T | null> | T | null, describe: () => string, deadlineMillis = 60_000): Promise<T> {
  const deadline = Date.now() + deadlineMillis;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function running(start: Start): Promise<void> {
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void start.exited.then((e) => (exit = e));
  await until(
    () => {
      if (exit) throw new Error(`fluxo start exited (${JSON.stringify(exit)}):\n${start.output()}`);
      return start.output().includes('Press Ctrl-C to stop.') ? true : null;
    },
    () => `fluxo start did not print its banner:\n${start.output()}`,
    START_MILLIS,
  );
}

/** The pid the banner shows for a service. */
function bannerPid(output: string, label: string): number {
  const match = new RegExp(`${label}\\s.*\\(pid (\\d+)\\)`).exec(output);
  if (!match) throw new Error(`no pid for ${label} in:\n${output}`);
  return Number(match[1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Anonymous `plans`: served by the access subgraph through the gateway. */
async function planCodes(): Promise<string[] | null> {
  try {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ plans { code } }' }),
    });
    const body = (await response.json()) as { data?: { plans?: Array<{ code: string }> } | null };
    return body.data?.plans?.map((p) => p.code) ?? null;
  } catch {
    return null;
  }
}

beforeAll(async () => {
  // mkdtemp makes a 0700 folder the postgres system user could not enter when tests run as root.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-start-'));
  fs.chmodSync(dataDir, 0o755);
  const gatewayPort = await freePort();
  gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  env = { ...process.env, FLUXO_DATA_DIR: dataDir, PORT: String(gatewayPort), FLUXO_EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  for (const name of SUBGRAPHS) env[`FLUXO_${name.toUpperCase()}_PORT`] = String(await freePort());
  env.FLUXO_WORKER_METRICS_PORT = String(await freePort());
}, 30_000);

afterAll(async () => {
  for (const start of starts) start.child.kill('SIGKILL');
  await Promise.all(starts.map((s) => s.exited));
  // A failed run may leave its PostgreSQL behind; the tests' own recovery stops it.
  await stopLeftoverPostgres(path.join(dataDir, 'postgres'));
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

it(
  'restarts a subgraph process that dies, and the gateway serves its fields again',
  async () => {
    const first = launch();
    await running(first);
    expect(await planCodes()).toContain('STARTER');
    // The worker's figures, at the address the banner prints.
    const workerMetrics = /worker metrics\s+(\S+)/.exec(first.output())?.[1];
    expect(workerMetrics).toBe(`http://127.0.0.1:${env.FLUXO_WORKER_METRICS_PORT}/metrics`);
    expect(await (await fetch(workerMetrics!)).text()).toMatch(/^fluxo_outbox_events_delivered_total\{module="employees"\} /m);

    const accessPid = bannerPid(first.output(), 'subgraph access');
    process.kill(accessPid, 'SIGKILL');
    await until(
      () => (alive(accessPid) ? null : true),
      () => 'the access subgraph did not die',
    );
    const plans = await until(planCodes, () => `plans never came back:\n${first.output()}`);
    expect(plans).toContain('STARTER');
    expect(first.output()).toMatch(/access exited \(signal SIGKILL\); restarting in \d+ ms/);
    const restarted = /"pid":(\d+),"restarts":1,"msg":"access restarted"/.exec(first.output());
    expect(Number(restarted?.[1])).not.toBe(accessPid);
  },
  START_MILLIS + 90_000,
);

it(
  'starts again after the previous start was SIGKILLed, stopping the PostgreSQL it left',
  async () => {
    const first = starts[0]!;
    const output = first.output();
    const children = ['\\(gateway', 'outbox worker', ...SUBGRAPHS.map((s) => `subgraph ${s}`)].map((label) => bannerPid(output, label));
    const postgresPid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

    first.child.kill('SIGKILL');
    await first.exited;
    // Children notice their supervisor is gone and exit; PostgreSQL is left running, as after a crash.
    await until(
      () => (children.some(alive) ? null : true),
      () => `children still alive: ${children.filter(alive).join(', ')}`,
    );
    expect(alive(postgresPid)).toBe(true);

    const second = launch();
    await running(second);
    expect(second.output()).toContain(`stopped PostgreSQL (pid ${postgresPid}) left running`);
    const plainLines = second
      .output()
      .split('\n')
      .filter((line) => !line.startsWith('{'));
    expect(plainLines.join('\n')).not.toContain('undefined');
    expect(await planCodes()).toContain('STARTER');

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(alive(postgresPid)).toBe(false);
  },
  START_MILLIS + 90_000,
);

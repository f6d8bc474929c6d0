import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { subgraphUrlVariable } from '../../platform/config';
import { isServiceReadyMessage } from '../../platform/process';
import { exportKeyPairPem } from '../../platform/tenant-context';
import { testRoleEnvironment } from './db-roles';
import type { TestStack } from './stack';

const root = path.resolve(__dirname, '..', '..');

/** `gateway/main.ts` in a process of its own, as deployed, on the test stack's control plane and subgraphs. */
export interface GatewayProcess {
  port: number;
  child: ChildProcess;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts the gateway process on `port` and resolves once it reports it serves (the IPC message `fluxo start` waits for). */
export async function startGatewayProcess(t: TestStack, port: number, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const { privateKeyPem } = exportKeyPairPem(t.keys);
  const { publicKeyPem } = exportKeyPairPem(t.sessionKeys);
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: t.database.url,
      FLUXO_SHARDS: `default=${t.database.config.shards.default}`,
      FLUXO_TENANT_DB_PREFIX: t.database.config.tenantDatabasePrefix,
      ...testRoleEnvironment(),
      FLUXO_ADMIN_TOKEN: t.adminToken,
      FLUXO_CONTEXT_PRIVATE_KEY: privateKeyPem,
      FLUXO_SESSION_PUBLIC_KEY: publicKeyPem,
      ...Object.fromEntries(t.stack.subgraphs.map((s) => [subgraphUrlVariable(s.name), s.url])),
      PORT: String(port),
      HOST: '127.0.0.1',
      FLUXO_COST_CAPACITY: '100000000',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message) => {
      if (isServiceReadyMessage(message)) resolve();
    });
    void exited.then((code) => reject(new Error(`gateway exited (${code}) before it was ready:\n${output}`)));
  });
  return { port, child, exited, output: () => output };
}

/** Polls until `check` holds or the deadline passes; no fixed sleeps. */
export async function until(check: () => boolean | Promise<boolean>, what: string, deadlineMillis = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMillis;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface SecondServer {
  /** Superuser URL (database `postgres`). */
  url: string;
  stop: () => Promise<void>;
}

/**
 * Another real PostgreSQL server on this machine (the embedded PostgreSQL 17 of
 * `npm start`, on a free port), for tests that need a second shard. It runs in
 * a child process and is thrown away with its data on stop.
 */
export async function startSecondServer(withinMillis = 120_000): Promise<SecondServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-second-pg-'));
  // As root, PostgreSQL runs as the `postgres` system user, which must reach the data dir.
  fs.chmodSync(dir, 0o777);
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/embedded-postgres-process.ts', path.join(dir, 'data')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`the second PostgreSQL did not start within ${withinMillis} ms: ${err.trim()}`)), withinMillis);
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (!line) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the second PostgreSQL exited (${code}) before it was ready: ${err.trim()}`));
      });
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

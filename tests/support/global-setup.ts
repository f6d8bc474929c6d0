import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, quoteIdent, withDatabase } from '../../platform/db';
import { migrateGlobal } from '../../platform/migrations';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { freePort } from '../../platform/listen';
import { adoptDatabase, ensureRoles, grantControlPlane } from '../../platform/db-roles';
import { testRolePasswords, testRolePrefix } from './db-roles';

declare global {
  var __fluxoTestServerStop: (() => Promise<void>) | undefined;
}

export function dockerReachable(): boolean {
  return Boolean(process.env.DOCKER_HOST) || fs.existsSync('/var/run/docker.sock');
}

/** The test PostgreSQL server: TEST_DATABASE_URL, else testcontainers, else embedded PostgreSQL. */
async function testServer(): Promise<{ url: string; source: string; stop?: () => Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, source: 'TEST_DATABASE_URL' };
  if (dockerReachable()) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      return { url: container.getConnectionUri(), source: 'testcontainers', stop: async () => void (await container.stop()) };
    } catch (error) {
      process.stderr.write(`testcontainers could not start PostgreSQL (${error instanceof Error ? error.message : error}); using embedded PostgreSQL\n`);
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-test-pg-'));
  fs.chmodSync(dir, 0o777);
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await freePort(), portVariable: 'TEST_DATABASE_URL', persistent: false });
  return {
    url: pg.url,
    source: 'embedded-postgres',
    stop: async () => {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function globalSetup(): Promise<void> {
  const server = await testServer();
  globalThis.__fluxoTestServerStop = server.stop;
  const runId = randomBytes(3).toString('hex');
  const template = `ft_${runId}_template`;
  const admin = createDatabase<unknown>(withDatabase(server.url, 'postgres'), { max: 1 });
  try {
    await sql.raw(`CREATE DATABASE ${quoteIdent(template)}`).execute(admin);
  } finally {
    await admin.destroy();
  }
  const db = createDatabase<unknown>(withDatabase(server.url, template), { max: 1 });
  try {
    // Every file's control plane is a copy of this one: its tables already belong to the run's owner role, with their grants.
    const prefix = testRolePrefix(runId);
    await ensureRoles(db, prefix, testRolePasswords(runId));
    await migrateGlobal(db);
    await adoptDatabase(db, prefix, template, ['public']);
    await grantControlPlane(db, prefix, template);
  } finally {
    await db.destroy();
  }
  process.env.FLUXO_TEST_SERVER_URL = server.url;
  process.env.FLUXO_TEST_SERVER_SOURCE = server.source;
  process.env.FLUXO_TEST_RUN_ID = runId;
  process.env.FLUXO_TEST_TEMPLATE = template;
  process.env.NODE_ENV = 'test';
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  process.stdout.write(`\ntest databases: ${server.source}\n`);
}

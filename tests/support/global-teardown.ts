import { sql } from 'kysely';
import { createDatabase, quoteIdent, withDatabase } from '../../platform/db';
import { loginServices, ownerRole, roleName } from '../../platform/db-roles';
import { testRolePrefix } from './db-roles';

/** Drops every database this run created (named ft_<runId>_...), then stops a server it started. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.FLUXO_TEST_SERVER_URL;
  const runId = process.env.FLUXO_TEST_RUN_ID;
  if (url && runId) {
    const admin = createDatabase<unknown>(withDatabase(url, 'postgres'), { max: 1 });
    try {
      const { rows } = await sql<{ datname: string }>`SELECT datname FROM pg_database WHERE datname LIKE ${`ft_${runId}_%`}`.execute(admin);
      for (const { datname } of rows) await sql.raw(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).execute(admin);
      // The run's roles own nothing once its databases are gone; logins first, the owner they may act as last.
      const prefix = testRolePrefix(runId);
      for (const role of [...loginServices().map((s) => roleName(prefix, s)), ownerRole(prefix)]) {
        await sql.raw(`DROP ROLE IF EXISTS ${quoteIdent(role)}`).execute(admin);
      }
    } finally {
      await admin.destroy();
    }
  }
  await globalThis.__fluxoTestServerStop?.();
}

import { sql } from 'kysely';
import type { ControlPlane } from '../../../platform/control-plane';

/**
 * Runs `work` while holding a session advisory lock on the control plane, so two
 * operators (or a CLI and the API) never provision the same thing at once.
 * The lock lives on one reserved connection; `work` uses the pool as usual.
 */
export async function withAdvisoryLock<T>(db: ControlPlane, name: string, work: () => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(hashtextextended(${name}, 0))`.execute(conn);
    try {
      return await work();
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${name}, 0))`.execute(conn);
    }
  });
}

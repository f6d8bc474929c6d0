import { sql } from 'kysely';
import type { ControlPlane } from '../../../platform/control-plane';

/**
 * Runs `work` while holding a session advisory lock on the control plane, so two
 * operators (or a CLI and the API) never provision the same thing at once.
 * The lock lives on one reserved connection, and `work` gets that connection to
 * do its control-plane work on: callers waiting for the lock each hold a pool
 * connection too, and with as many waiters as the pool is large a holder that
 * needed one more connection would wait for ever.
 */
export async function withAdvisoryLock<T>(db: ControlPlane, name: string, work: (locked: ControlPlane) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(hashtextextended(${name}, 0))`.execute(conn);
    try {
      return await work(conn);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${name}, 0))`.execute(conn);
    }
  });
}

import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import type { FinanceDB } from '../../subgraphs/finance/store/db';
import type { PayrollDB } from '../../subgraphs/payroll/store/db';

/** A module's outbox (migrations/tenant/<module>/*_outbox_inbox.ts): the platform writes it, so no module types it. */
export interface OutboxTable {
  id: Generated<string>;
  seq: Generated<string>;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  occurred_at: Generated<Date>;
  request_id: string | null;
  status: Generated<'PENDING' | 'DELIVERED' | 'DEAD'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  delivered_at: Date | null;
}

/** A module's inbox: the events its consumers have handled. */
export interface InboxTable {
  event_id: string;
  event_type: string;
  source: string;
  handled_at: Generated<Date>;
}

type EventTables = {
  [Schema in 'assets' | 'employees' | 'finance' | 'payroll' as `${Schema}.outbox`]: OutboxTable;
} & {
  [Schema in 'assets' | 'employees' | 'finance' | 'payroll' as `${Schema}.inbox`]: InboxTable;
};

/** A tenant database as the tests read it: every module's tables, whichever the company subscribes to. */
export type TenantDB = AssetsDB & EmployeesDB & FinanceDB & PayrollDB & EventTables;

/**
 * Row count and a digest of every row of each table: equal footprints mean
 * nothing was inserted, updated or deleted, e.g. by a mutation that was refused.
 */
export async function footprint(db: Kysely<TenantDB>, tables: readonly string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string; digest: string }>`
      SELECT count(*) AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM ${sql.table(table)} t`.execute(db);
    result[table] = `${rows[0]!.n}:${rows[0]!.digest}`;
  }
  return result;
}

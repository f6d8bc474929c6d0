import type { ColumnType, Generated } from 'kysely';
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

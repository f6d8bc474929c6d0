import { sql, type Kysely } from 'kysely';

// The overview's finance figures summed every daily balance of the ledger
// (one row per account and day with activity, thousands a year), probed the
// bank transactions of each account and counted the unreconciled ones. They
// now come from tallies the database keeps exact in the writing transaction:
// - account_year_balance: Σ debit and Σ credit per account and year, kept by a
//   statement trigger on the append-only journal lines (next to the daily
//   balances), so a balance is a few rows per account; lines dated after
//   today are taken back from the daily balances of the days after today.
// - bank_transaction_tally: bank transactions per account and status, kept by
//   statement triggers with transition tables for any writer; it answers both
//   "unreconciled" and "which accounts hold bank transactions".
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE finance.account_year_balance (
      account_id    uuid NOT NULL REFERENCES finance.account (id),
      year          integer NOT NULL,
      debit_total   numeric NOT NULL DEFAULT 0,
      credit_total  numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (account_id, year)
    )`.execute(db);
  await sql`
    INSERT INTO finance.account_year_balance (account_id, year, debit_total, credit_total)
    SELECT account_id, date_part('year', day)::int, sum(debit_total), sum(credit_total)
    FROM finance.account_daily_balance GROUP BY account_id, date_part('year', day)::int`.execute(db);
  // In key order, so concurrent postings lock the rows in the same order (as the daily balances).
  await sql`
    CREATE FUNCTION finance.record_line_years() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO finance.account_year_balance AS b (account_id, year, debit_total, credit_total)
      SELECT account_id, date_part('year', entry_date)::int, sum(debit), sum(credit)
      FROM added GROUP BY account_id, date_part('year', entry_date)::int ORDER BY 1, 2
      ON CONFLICT (account_id, year) DO UPDATE
        SET debit_total = b.debit_total + EXCLUDED.debit_total, credit_total = b.credit_total + EXCLUDED.credit_total;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER journal_line_year_recorded AFTER INSERT ON finance.journal_line
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION finance.record_line_years()`.execute(db);

  await sql`
    CREATE TABLE finance.bank_transaction_tally (
      account_id    uuid NOT NULL REFERENCES finance.account (id),
      status        text NOT NULL CHECK (status IN ('UNRECONCILED', 'RECONCILED')),
      transactions  bigint NOT NULL CHECK (transactions >= 0),
      PRIMARY KEY (account_id, status)
    )`.execute(db);
  await sql`
    INSERT INTO finance.bank_transaction_tally (account_id, status, transactions)
    SELECT account_id, status, count(*) FROM finance.bank_transaction GROUP BY account_id, status`.execute(db);
  // plpgsql prepares a statement on its first run, so each branch may name only
  // the transition tables its operation has.
  await sql`
    CREATE FUNCTION finance.tally_bank_transactions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO finance.bank_transaction_tally AS t (account_id, status, transactions)
        SELECT account_id, status, count(*) FROM new_rows GROUP BY account_id, status ORDER BY 1, 2
        ON CONFLICT (account_id, status) DO UPDATE SET transactions = t.transactions + EXCLUDED.transactions;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE finance.bank_transaction_tally t SET transactions = t.transactions - d.n
        FROM (SELECT account_id, status, count(*) AS n FROM old_rows GROUP BY account_id, status) d
        WHERE t.account_id = d.account_id AND t.status = d.status;
      ELSE
        -- A pair the update moves transactions into may not have its row yet (a row is checked before its conflict, so it gets 0 first).
        INSERT INTO finance.bank_transaction_tally (account_id, status, transactions)
        SELECT DISTINCT account_id, status, 0 FROM new_rows ORDER BY 1, 2
        ON CONFLICT (account_id, status) DO NOTHING;
        -- Only pairs whose count moves are touched: a reconciliation moves its matches from UNRECONCILED to RECONCILED.
        UPDATE finance.bank_transaction_tally t SET transactions = t.transactions + d.n
        FROM (
          SELECT account_id, status, sum(n) AS n FROM (
            SELECT account_id, status, count(*) AS n FROM new_rows GROUP BY account_id, status
            UNION ALL
            SELECT account_id, status, -count(*) AS n FROM old_rows GROUP BY account_id, status
          ) moves GROUP BY account_id, status HAVING sum(n) <> 0
        ) d WHERE t.account_id = d.account_id AND t.status = d.status;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER bank_transaction_tally_insert AFTER INSERT ON finance.bank_transaction REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finance.tally_bank_transactions()`.execute(
    db,
  );
  await sql`CREATE TRIGGER bank_transaction_tally_update AFTER UPDATE ON finance.bank_transaction REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finance.tally_bank_transactions()`.execute(
    db,
  );
  await sql`CREATE TRIGGER bank_transaction_tally_delete AFTER DELETE ON finance.bank_transaction REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION finance.tally_bank_transactions()`.execute(
    db,
  );
  // TRUNCATE has no transition tables; it empties the tally instead.
  await sql`
    CREATE FUNCTION finance.reset_bank_transaction_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM finance.bank_transaction_tally;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER bank_transaction_tally_truncate AFTER TRUNCATE ON finance.bank_transaction FOR EACH STATEMENT EXECUTE FUNCTION finance.reset_bank_transaction_tally()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS bank_transaction_tally_truncate ON finance.bank_transaction`.execute(db);
  await sql`DROP TRIGGER IF EXISTS bank_transaction_tally_delete ON finance.bank_transaction`.execute(db);
  await sql`DROP TRIGGER IF EXISTS bank_transaction_tally_update ON finance.bank_transaction`.execute(db);
  await sql`DROP TRIGGER IF EXISTS bank_transaction_tally_insert ON finance.bank_transaction`.execute(db);
  await sql`DROP FUNCTION IF EXISTS finance.reset_bank_transaction_tally()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS finance.tally_bank_transactions()`.execute(db);
  await sql`DROP TABLE IF EXISTS finance.bank_transaction_tally`.execute(db);
  await sql`DROP TRIGGER IF EXISTS journal_line_year_recorded ON finance.journal_line`.execute(db);
  await sql`DROP FUNCTION IF EXISTS finance.record_line_years()`.execute(db);
  await sql`DROP TABLE IF EXISTS finance.account_year_balance`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// The double-entry ledger: settings, chart of accounts, gap-free entry numbers,
// journal entries and their lines, and the daily balances that make "balance as
// of a date" cheap at millions of lines. Every rule an accountant relies on is
// held by the database itself, so no code path (a bug, a script, a console
// session) can post an unbalanced, edited or back-dated entry.
//
// Custom SQLSTATEs raised here (the application maps them to userErrors):
//   FN001 period closed · FN002 ledger is append-only · FN003 entry unbalanced
//   FN004 lines added outside the entry's transaction

export async function up(db: Kysely<any>): Promise<void> {
  // One row: the tenant's base currency and how far the books are closed.
  await sql`
    CREATE TABLE finance.settings (
      singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      base_currency      text NOT NULL DEFAULT 'EUR' CHECK (base_currency ~ '^[A-Z]{3}$'),
      currency_decimals  smallint NOT NULL DEFAULT 2 CHECK (currency_decimals BETWEEN 0 AND 4),
      closed_through     date,
      updated_at         timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`INSERT INTO finance.settings DEFAULT VALUES`.execute(db);
  // A closed period stays closed: the close date only moves forward.
  await sql`
    CREATE FUNCTION finance.guard_settings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'finance settings cannot be deleted' USING ERRCODE = 'FN002';
      END IF;
      IF OLD.closed_through IS NOT NULL AND (NEW.closed_through IS NULL OR NEW.closed_through < OLD.closed_through) THEN
        RAISE EXCEPTION 'a closed period cannot be reopened (closed through %)', OLD.closed_through USING ERRCODE = 'FN001';
      END IF;
      IF NEW.base_currency <> OLD.base_currency OR NEW.currency_decimals <> OLD.currency_decimals THEN
        RAISE EXCEPTION 'the base currency cannot change once the ledger exists' USING ERRCODE = 'FN002';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER settings_guard BEFORE UPDATE OR DELETE ON finance.settings FOR EACH ROW EXECUTE FUNCTION finance.guard_settings()`.execute(db);

  await sql`
    CREATE TABLE finance.account (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code        text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$'),
      name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
      type        text NOT NULL CHECK (type IN ('ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE')),
      parent_id   uuid REFERENCES finance.account (id),
      is_cash     boolean NOT NULL DEFAULT false,
      is_bank     boolean NOT NULL DEFAULT false,
      is_contra   boolean NOT NULL DEFAULT false,
      created_at  timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT account_not_own_parent CHECK (parent_id IS DISTINCT FROM id)
    )`.execute(db);

  // One row per year. Posting increments it in the posting transaction: the row
  // lock serialises concurrent postings of a year and a rollback gives the
  // numbers back, which a sequence would not (sequences leave gaps).
  await sql`
    CREATE TABLE finance.entry_number_counter (
      year        integer PRIMARY KEY CHECK (year BETWEEN 1 AND 9999),
      last_value  integer NOT NULL CHECK (last_value >= 0)
    )`.execute(db);

  await sql`
    CREATE TABLE finance.journal_entry (
      id                uuid PRIMARY KEY,
      year              integer NOT NULL,
      seq               integer NOT NULL CHECK (seq > 0),
      number            text NOT NULL,
      entry_date        date NOT NULL,
      memo              text CHECK (length(memo) <= 1000),
      currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      status            text NOT NULL DEFAULT 'POSTED' CHECK (status IN ('POSTED', 'REVERSED')),
      reversal_of       uuid UNIQUE REFERENCES finance.journal_entry (id),
      source_module     text NOT NULL CHECK (source_module ~ '^[a-z]{1,30}$'),
      source_reference  text CHECK (length(source_reference) BETWEEN 1 AND 200),
      -- The transaction that created the entry: only it may add lines (see journal_line).
      created_txid      xid8 NOT NULL DEFAULT pg_current_xact_id(),
      created_at        timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT journal_entry_number_per_year UNIQUE (year, seq),
      CONSTRAINT journal_entry_year CHECK (year = extract(year FROM entry_date)),
      CONSTRAINT journal_entry_number_format CHECK (number = 'JE-' || year || '-' || lpad(seq::text, greatest(6, length(seq::text)), '0')),
      CONSTRAINT journal_entry_not_own_reversal CHECK (reversal_of IS DISTINCT FROM id),
      CONSTRAINT journal_entry_foreign_source_has_reference CHECK (source_module = 'finance' OR source_reference IS NOT NULL)
    )`.execute(db);
  // Another module's posting (a pay run, an asset event) becomes exactly one entry.
  await sql`CREATE UNIQUE INDEX journal_entry_source ON finance.journal_entry (source_module, source_reference) WHERE source_module <> 'finance'`.execute(db);
  // The journal's keyset order: newest first.
  await sql`CREATE INDEX journal_entry_newest ON finance.journal_entry (entry_date DESC, seq DESC)`.execute(db);

  // entry_id has no FOREIGN KEY on purpose: the line trigger below already
  // looks each line's entry up (to check transaction and date), entries can
  // never be deleted, and a second per-row lookup cost a fifth of the ledger's
  // posting throughput.
  await sql`
    CREATE TABLE finance.journal_line (
      entry_id     uuid NOT NULL,
      line_no      smallint NOT NULL CHECK (line_no >= 1),
      account_id   uuid NOT NULL REFERENCES finance.account (id),
      entry_date   date NOT NULL,
      debit        numeric(20, 2) NOT NULL DEFAULT 0 CHECK (debit >= 0),
      credit       numeric(20, 2) NOT NULL DEFAULT 0 CHECK (credit >= 0),
      description  text CHECK (length(description) <= 500),
      PRIMARY KEY (entry_id, line_no),
      CONSTRAINT journal_line_one_side CHECK ((debit > 0) <> (credit > 0))
    )`.execute(db);
  // An account's movements over time (account statements, audits of the daily table).
  await sql`CREATE INDEX journal_line_account_date ON finance.journal_line (account_id, entry_date)`.execute(db);

  // Σ per account and day, kept by the line trigger below: a balance as of a
  // date sums at most one row per day instead of every line.
  await sql`
    CREATE TABLE finance.account_daily_balance (
      account_id    uuid NOT NULL REFERENCES finance.account (id),
      day           date NOT NULL,
      debit_total   numeric NOT NULL DEFAULT 0,
      credit_total  numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (account_id, day)
    )`.execute(db);

  // Posted lines never change; corrections are reversals.
  await sql`
    CREATE FUNCTION finance.refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the ledger is append-only: posted journal lines and entries cannot be changed or deleted; post a reversal instead' USING ERRCODE = 'FN002';
    END $$`.execute(db);
  await sql`CREATE TRIGGER journal_line_immutable BEFORE UPDATE OR DELETE ON finance.journal_line FOR EACH ROW EXECUTE FUNCTION finance.refuse_ledger_change()`.execute(
    db,
  );
  await sql`CREATE TRIGGER journal_line_no_truncate BEFORE TRUNCATE ON finance.journal_line FOR EACH STATEMENT EXECUTE FUNCTION finance.refuse_ledger_change()`.execute(
    db,
  );

  // An entry changes once, POSTED → REVERSED, and only after its reversal exists.
  await sql`
    CREATE FUNCTION finance.guard_entry_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      unchanged finance.journal_entry;
    BEGIN
      IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'journal entries cannot be deleted; post a reversal instead' USING ERRCODE = 'FN002';
      END IF;
      unchanged := NEW;
      unchanged.status := OLD.status;
      IF unchanged IS DISTINCT FROM OLD OR OLD.status <> 'POSTED' OR NEW.status <> 'REVERSED' THEN
        RAISE EXCEPTION 'journal entry % is immutable; only POSTED → REVERSED is allowed', OLD.number USING ERRCODE = 'FN002';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM finance.journal_entry WHERE reversal_of = OLD.id) THEN
        RAISE EXCEPTION 'journal entry % can only become REVERSED through its reversal entry', OLD.number USING ERRCODE = 'FN002';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER journal_entry_guard BEFORE UPDATE OR DELETE ON finance.journal_entry FOR EACH ROW EXECUTE FUNCTION finance.guard_entry_change()`.execute(
    db,
  );
  await sql`CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON finance.journal_entry FOR EACH STATEMENT EXECUTE FUNCTION finance.refuse_ledger_change()`.execute(
    db,
  );

  // Closed periods take no entries. The settings row is share-locked until
  // commit, so a concurrent close waits for this posting (and a posting that
  // starts after a close sees it): nothing lands in a period after it closed.
  // Statement-level with a transition table: one check per batch, not per row.
  await sql`
    CREATE FUNCTION finance.refuse_closed_period() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      closed date;
      offending date;
    BEGIN
      SELECT closed_through INTO closed FROM finance.settings FOR SHARE;
      IF closed IS NULL THEN RETURN NULL; END IF;
      SELECT min(entry_date) INTO offending FROM added WHERE entry_date <= closed;
      IF offending IS NOT NULL THEN
        RAISE EXCEPTION 'the period is closed through %; an entry dated % cannot be posted', closed, offending USING ERRCODE = 'FN001';
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER journal_entry_open_period AFTER INSERT ON finance.journal_entry
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION finance.refuse_closed_period()`.execute(db);

  // Lines join an existing entry only in the transaction that created it (so the
  // commit-time balance check below sees every line an entry will ever have),
  // carry the entry's date, and roll up into the daily balances — one upsert
  // per (account, day) of the statement, in key order so concurrent postings
  // lock rows in the same order. The function pins the join method to index
  // probes per line: the planner has no statistics for a transition table and
  // would otherwise hash the whole journal on every batch.
  await sql`
    CREATE FUNCTION finance.record_lines() RETURNS trigger LANGUAGE plpgsql
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    BEGIN
      IF EXISTS (
        SELECT 1 FROM added l LEFT JOIN finance.journal_entry e ON e.id = l.entry_id
        WHERE e.id IS NULL OR e.created_txid <> pg_current_xact_id() OR e.entry_date <> l.entry_date
      ) THEN
        RAISE EXCEPTION 'journal lines can only be added with their entry, in the transaction that posts it, on its date' USING ERRCODE = 'FN004';
      END IF;
      INSERT INTO finance.account_daily_balance AS b (account_id, day, debit_total, credit_total)
      SELECT account_id, entry_date, sum(debit), sum(credit) FROM added GROUP BY account_id, entry_date ORDER BY account_id, entry_date
      ON CONFLICT (account_id, day) DO UPDATE
        SET debit_total = b.debit_total + EXCLUDED.debit_total, credit_total = b.credit_total + EXCLUDED.credit_total;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER journal_line_recorded AFTER INSERT ON finance.journal_line
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION finance.record_lines()`.execute(db);

  // The daily balances change only through the line trigger above.
  await sql`
    CREATE FUNCTION finance.guard_daily_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'daily balances are maintained by the ledger and cannot be changed directly' USING ERRCODE = 'FN002';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$`.execute(db);
  await sql`CREATE TRIGGER account_daily_balance_guard BEFORE INSERT OR UPDATE OR DELETE ON finance.account_daily_balance FOR EACH ROW EXECUTE FUNCTION finance.guard_daily_balance()`.execute(
    db,
  );

  // Σdebit = Σcredit and at least two lines, checked at commit for every new
  // entry, so an entry may be built in several statements but never committed
  // unbalanced.
  await sql`
    CREATE FUNCTION finance.assert_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      lines integer;
      debits numeric;
      credits numeric;
    BEGIN
      SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0) INTO lines, debits, credits
        FROM finance.journal_line WHERE entry_id = NEW.id;
      IF lines < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); at least two are needed', NEW.number, lines USING ERRCODE = 'FN003';
      END IF;
      IF debits <> credits THEN
        RAISE EXCEPTION 'journal entry % is unbalanced: debits % <> credits %', NEW.number, debits, credits USING ERRCODE = 'FN003';
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON finance.journal_entry
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION finance.assert_entry_balanced()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS finance.account_daily_balance, finance.journal_line, finance.journal_entry, finance.entry_number_counter, finance.account, finance.settings`.execute(
    db,
  );
  await sql`DROP FUNCTION IF EXISTS finance.guard_settings(), finance.refuse_ledger_change(), finance.guard_entry_change(), finance.refuse_closed_period(), finance.record_lines(), finance.guard_daily_balance(), finance.assert_entry_balanced()`.execute(
    db,
  );
}

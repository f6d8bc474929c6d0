import { sql, type Kysely } from 'kysely';

// Bank and cash transactions (each with its journal entry), statement
// reconciliations, and the idempotency keys that make money-moving mutations
// safe to retry.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE finance.bank_transaction (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id        uuid NOT NULL REFERENCES finance.account (id),
      journal_entry_id  uuid NOT NULL UNIQUE REFERENCES finance.journal_entry (id),
      txn_date          date NOT NULL,
      -- Signed: positive is money in, negative money out.
      amount            numeric(20, 2) NOT NULL CHECK (amount <> 0),
      description       text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
      reference         text CHECK (length(reference) <= 200),
      status            text NOT NULL DEFAULT 'UNRECONCILED' CHECK (status IN ('UNRECONCILED', 'RECONCILED')),
      created_at        timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX bank_transaction_by_account ON finance.bank_transaction (account_id, txn_date DESC, id)`.execute(db);
  await sql`CREATE INDEX bank_transaction_newest ON finance.bank_transaction (txn_date DESC, id)`.execute(db);

  await sql`
    CREATE TABLE finance.reconciliation (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id         uuid NOT NULL REFERENCES finance.account (id),
      statement_date     date NOT NULL,
      statement_balance  numeric(20, 2) NOT NULL,
      -- Closing balance of the account's previous completed reconciliation (0 for the first).
      opening_balance    numeric(20, 2) NOT NULL,
      status             text NOT NULL DEFAULT 'IN_PROGRESS' CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
      started_at         timestamptz NOT NULL DEFAULT now(),
      completed_at       timestamptz,
      CONSTRAINT reconciliation_completed_at CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL))
    )`.execute(db);
  // One statement at a time per account: the next one opens where this one closes.
  await sql`CREATE UNIQUE INDEX reconciliation_one_open_per_account ON finance.reconciliation (account_id) WHERE status = 'IN_PROGRESS'`.execute(db);
  await sql`CREATE INDEX reconciliation_latest ON finance.reconciliation (account_id, statement_date DESC) WHERE status = 'COMPLETED'`.execute(db);

  // A transaction is matched to at most one statement, ever: the key is the transaction.
  await sql`
    CREATE TABLE finance.reconciliation_match (
      bank_transaction_id  uuid PRIMARY KEY REFERENCES finance.bank_transaction (id),
      reconciliation_id    uuid NOT NULL REFERENCES finance.reconciliation (id),
      matched_at           timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX reconciliation_match_by_reconciliation ON finance.reconciliation_match (reconciliation_id)`.execute(db);

  // A completed reconciliation is final: no more matches.
  await sql`
    CREATE FUNCTION finance.refuse_match_on_completed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'reconciliation matches cannot be changed or removed' USING ERRCODE = 'FN002';
      END IF;
      IF EXISTS (SELECT 1 FROM finance.reconciliation WHERE id = NEW.reconciliation_id AND status = 'COMPLETED') THEN
        RAISE EXCEPTION 'reconciliation % is completed', NEW.reconciliation_id USING ERRCODE = 'FN002';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER reconciliation_match_guard BEFORE INSERT OR UPDATE OR DELETE ON finance.reconciliation_match FOR EACH ROW EXECUTE FUNCTION finance.refuse_match_on_completed()`.execute(
    db,
  );

  // key → what the first request asked (SHA-256 of its canonical input) and what it produced.
  await sql`
    CREATE TABLE finance.idempotency_key (
      key           text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
      operation     text NOT NULL,
      request_hash  text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
      result_ids    uuid[] NOT NULL DEFAULT '{}',
      created_at    timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS finance.idempotency_key, finance.reconciliation_match, finance.reconciliation, finance.bank_transaction`.execute(db);
  await sql`DROP FUNCTION IF EXISTS finance.refuse_match_on_completed()`.execute(db);
}

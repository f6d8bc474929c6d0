import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db).catch(() => undefined);

  await sql`
    CREATE TABLE plan (
      code          text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,31}$'),
      name          text NOT NULL,
      description   text NOT NULL,
      modules       text[] NOT NULL CHECK (modules <@ ARRAY['ASSETS','EMPLOYEES','FINANCE','PAYROLL'] AND cardinality(modules) > 0),
      monthly_price numeric(12,2) NOT NULL CHECK (monthly_price >= 0),
      currency      char(3) NOT NULL,
      sort_order    integer NOT NULL
    )`.execute(db);

  await sql`
    INSERT INTO plan (code, name, description, modules, monthly_price, currency, sort_order) VALUES
      ('STARTER',    'Starter',    'Staff directory and asset register for small teams.', ARRAY['EMPLOYEES','ASSETS'],                       49.00, 'EUR', 1),
      ('PEOPLE',     'People',     'Staff directory with payroll.',                       ARRAY['EMPLOYEES','PAYROLL'],                      99.00, 'EUR', 2),
      ('BUSINESS',   'Business',   'Staff, assets and the general ledger.',               ARRAY['EMPLOYEES','ASSETS','FINANCE'],            149.00, 'EUR', 3),
      ('ENTERPRISE', 'Enterprise', 'Every module: staff, assets, ledger and payroll.',    ARRAY['ASSETS','EMPLOYEES','FINANCE','PAYROLL'],  399.00, 'EUR', 4)
  `.execute(db);

  await sql`
    CREATE TABLE subscription_request (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_name     text NOT NULL CHECK (length(btrim(company_name)) BETWEEN 1 AND 200),
      contact_email    text NOT NULL,
      modules          text[] NOT NULL CHECK (modules <@ ARRAY['ASSETS','EMPLOYEES','FINANCE','PAYROLL'] AND cardinality(modules) > 0),
      plan_code        text REFERENCES plan(code),
      status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','APPROVED','REJECTED')),
      created_at       timestamptz NOT NULL DEFAULT now(),
      decided_at       timestamptz,
      decided_by       text,
      rejection_reason text,
      CHECK ((status = 'PENDING') = (decided_at IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX subscription_request_status_created ON subscription_request (status, created_at, id)`.execute(db);
  await sql`CREATE INDEX subscription_request_created ON subscription_request (created_at, id)`.execute(db);

  await sql`
    CREATE TABLE company (
      id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name                    text NOT NULL,
      slug                    text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      contact_email           text NOT NULL,
      modules                 text[] NOT NULL CHECK (modules <@ ARRAY['ASSETS','EMPLOYEES','FINANCE','PAYROLL']),
      subscription_request_id uuid UNIQUE REFERENCES subscription_request(id),
      created_at              timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE tenant (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id      uuid NOT NULL UNIQUE REFERENCES company(id),
      database_name   text NOT NULL UNIQUE,
      shard           text NOT NULL,
      status          text NOT NULL DEFAULT 'PROVISIONING' CHECK (status IN ('PROVISIONING','ACTIVE','SUSPENDED')),
      schema_versions jsonb NOT NULL DEFAULT '{}'::jsonb,
      last_error      text,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE access_key (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id   uuid NOT NULL REFERENCES company(id),
      name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
      kind         text NOT NULL CHECK (kind IN ('STANDARD','PARTNER')),
      modules      text[] NOT NULL CHECK (modules <@ ARRAY['ASSETS','EMPLOYEES','FINANCE','PAYROLL']),
      prefix       text NOT NULL UNIQUE,
      secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
      created_at   timestamptz NOT NULL DEFAULT now(),
      created_by   text NOT NULL,
      last_used_at timestamptz,
      revoked_at   timestamptz,
      revoked_by   text
    )`.execute(db);
  await sql`CREATE INDEX access_key_company ON access_key (company_id, created_at, id)`.execute(db);

  // Every gateway LISTENs here and drops its cached copy of the key at once.
  await sql`
    CREATE FUNCTION access_key_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('fluxo_access_key_changed', COALESCE(NEW.id, OLD.id)::text);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER access_key_changed
      AFTER UPDATE OF revoked_at, modules OR DELETE ON access_key
      FOR EACH ROW EXECUTE FUNCTION access_key_notify_change()`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id          bigserial PRIMARY KEY,
      at          timestamptz NOT NULL DEFAULT now(),
      actor_kind  text NOT NULL,
      actor_id    text,
      operation   text NOT NULL,
      entity      text NOT NULL,
      entity_id   text,
      before      jsonb,
      after       jsonb,
      request_id  text
    )`.execute(db);
  await sql`CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at)`.execute(db);
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_append_only
      BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_truncate
      BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'access_key', 'tenant', 'company', 'subscription_request', 'plan']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS audit_log_append_only()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS access_key_notify_change()`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// People: users (e-mail unique ignoring case), their memberships of companies
// with roles, custom roles, one-time invitations, and sign-in sessions whose
// refresh tokens rotate (a used token presented again revokes its session).
// Gateways cache who a session is; every change that alters what a session
// may do notifies them on the channel keys already use.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE app_user (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = btrim(email)),
      display_name     text CHECK (length(display_name) <= 200),
      password_hash    text,
      status           text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED')),
      is_operator      boolean NOT NULL DEFAULT false,
      failed_sign_ins  integer NOT NULL DEFAULT 0,
      locked_until     timestamptz,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email))`.execute(db);

  await sql`
    CREATE TABLE company_role (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id   uuid NOT NULL REFERENCES company (id),
      code         text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{1,39}$'),
      name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
      scope        text NOT NULL CHECK (scope IN ('COMPANY', 'SELF', 'DEPARTMENT')),
      permissions  text[] NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now(),
      UNIQUE (company_id, code)
    )`.execute(db);

  await sql`
    CREATE TABLE membership (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id   uuid NOT NULL REFERENCES company (id),
      user_id      uuid NOT NULL REFERENCES app_user (id),
      employee_id  uuid,
      created_at   timestamptz NOT NULL DEFAULT now(),
      removed_at   timestamptz,
      UNIQUE (company_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX membership_user_idx ON membership (user_id)`.execute(db);

  // A role is a built-in code or a custom role's code of the same company; DEPARTMENT roles name their department.
  await sql`
    CREATE TABLE membership_role (
      membership_id  uuid NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
      role           text NOT NULL,
      department_id  uuid,
      granted_at     timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX membership_role_key ON membership_role (membership_id, role, coalesce(department_id, '00000000-0000-0000-0000-000000000000'))`.execute(
    db,
  );

  await sql`
    CREATE TABLE invitation (
      id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id          uuid NOT NULL REFERENCES company (id),
      email               text NOT NULL,
      roles               jsonb NOT NULL,
      employee_id         uuid,
      token_hash          bytea NOT NULL UNIQUE,
      invited_by          text NOT NULL,
      created_at          timestamptz NOT NULL DEFAULT now(),
      expires_at          timestamptz NOT NULL,
      accepted_at         timestamptz,
      accepted_by_user_id uuid REFERENCES app_user (id),
      revoked_at          timestamptz
    )`.execute(db);
  await sql`CREATE INDEX invitation_company_idx ON invitation (company_id, created_at DESC)`.execute(db);

  // One session per sign-in: its refresh tokens form a family; revoking the session ends them all.
  await sql`
    CREATE TABLE user_session (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id            uuid NOT NULL REFERENCES app_user (id),
      company_id         uuid REFERENCES company (id),
      method             text NOT NULL CHECK (method IN ('PASSWORD', 'INVITATION', 'OIDC')),
      created_at         timestamptz NOT NULL DEFAULT now(),
      expires_at         timestamptz NOT NULL,
      last_refreshed_at  timestamptz,
      revoked_at         timestamptz,
      revoked_reason     text,
      client_address     text
    )`.execute(db);
  await sql`CREATE INDEX user_session_user_idx ON user_session (user_id) WHERE revoked_at IS NULL`.execute(db);
  await sql`
    CREATE TABLE refresh_token (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id  uuid NOT NULL REFERENCES user_session (id) ON DELETE CASCADE,
      token_hash  bytea NOT NULL UNIQUE,
      created_at  timestamptz NOT NULL DEFAULT now(),
      used_at     timestamptz
    )`.execute(db);

  // What gateways cache about a session changes: tell them (payloads session:<id>, user:<id>, company:<id>).
  await sql`
    CREATE FUNCTION people_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      r jsonb := to_jsonb(COALESCE(NEW, OLD));
      payload text;
    BEGIN
      payload := CASE TG_TABLE_NAME
        WHEN 'user_session' THEN 'session:' || (r->>'id')
        WHEN 'app_user' THEN 'user:' || (r->>'id')
        WHEN 'membership' THEN 'user:' || (r->>'user_id')
        WHEN 'company_role' THEN 'company:' || (r->>'company_id')
        WHEN 'membership_role' THEN (SELECT 'user:' || m.user_id::text FROM membership m WHERE m.id = (r->>'membership_id')::uuid)
      END;
      IF payload IS NOT NULL THEN
        PERFORM pg_notify('fluxo_access_key_changed', payload);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER user_session_changed AFTER UPDATE OF revoked_at ON user_session FOR EACH ROW EXECUTE FUNCTION people_notify_change()`.execute(db);
  await sql`CREATE TRIGGER app_user_changed AFTER UPDATE OF status, email, is_operator ON app_user FOR EACH ROW EXECUTE FUNCTION people_notify_change()`.execute(
    db,
  );
  await sql`CREATE TRIGGER membership_changed AFTER UPDATE OR DELETE ON membership FOR EACH ROW EXECUTE FUNCTION people_notify_change()`.execute(db);
  await sql`CREATE TRIGGER membership_role_changed AFTER INSERT OR UPDATE OR DELETE ON membership_role FOR EACH ROW EXECUTE FUNCTION people_notify_change()`.execute(
    db,
  );
  await sql`CREATE TRIGGER company_role_changed AFTER UPDATE OR DELETE ON company_role FOR EACH ROW EXECUTE FUNCTION people_notify_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['refresh_token', 'user_session', 'invitation', 'membership_role', 'membership', 'company_role', 'app_user']) {
    await sql.raw(`DROP TABLE IF EXISTS ${table} CASCADE`).execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS people_notify_change()`.execute(db);
}

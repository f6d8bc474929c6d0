import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// A company's own OpenID Connect provider: its people sign in with the
// provider's tokens. The gateway finds the company from a token's issuer and
// audience, so that pair names one company at most: a token minted for one
// company never opens another's door. Gateways cache the lookup; every change
// notifies them (`company:<id>`) on the channel keys and people already use.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE identity_provider (
      company_id  uuid PRIMARY KEY REFERENCES company (id),
      issuer      text NOT NULL CHECK (length(issuer) BETWEEN 8 AND 2048 AND issuer = btrim(issuer)),
      client_id   text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 255 AND client_id = btrim(client_id)),
      audience    text NOT NULL CHECK (length(audience) BETWEEN 1 AND 255 AND audience = btrim(audience)),
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      UNIQUE (issuer, audience)
    )`.execute(db);

  await sql`
    CREATE FUNCTION identity_provider_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('fluxo_access_key_changed', 'company:' || COALESCE(NEW.company_id, OLD.company_id)::text);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER identity_provider_changed AFTER INSERT OR UPDATE OR DELETE ON identity_provider
      FOR EACH ROW EXECUTE FUNCTION identity_provider_notify_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS identity_provider CASCADE`.execute(db);
  await sql`DROP FUNCTION IF EXISTS identity_provider_notify_change()`.execute(db);
}

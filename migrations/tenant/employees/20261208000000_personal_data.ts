import { sql, type Kysely } from 'kysely';

// Employees' personal data, encrypted at rest (docs/personal-data.md): the tenant's data keys, wrapped by the
// master key, and one row of ciphertexts per employee. Nothing here holds plain text.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE employees.data_key (
      version     integer PRIMARY KEY CHECK (version > 0),
      wrapped_key text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      retired_at  timestamptz,
      CHECK ((retired_at IS NULL) = (wrapped_key IS NOT NULL))
    )`.execute(db);
  await sql`
    CREATE TABLE employees.employee_personal_data (
      employee_id       uuid PRIMARY KEY REFERENCES employees.employee (id),
      key_version       integer NOT NULL REFERENCES employees.data_key (version),
      tax_id            text,
      iban              text,
      date_of_birth     text,
      home_address      text,
      emergency_contact text,
      tax_id_index      bytea,
      updated_at        timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX employee_personal_data_tax_id_index ON employees.employee_personal_data (tax_id_index) WHERE tax_id_index IS NOT NULL`.execute(db);
  // Rotation walks the rows still under an older key, in id order.
  await sql`CREATE INDEX employee_personal_data_key_version ON employees.employee_personal_data (key_version, employee_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS employees.employee_personal_data`.execute(db);
  await sql`DROP TABLE IF EXISTS employees.data_key`.execute(db);
}

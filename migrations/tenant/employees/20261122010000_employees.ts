import { sql, type Kysely } from 'kysely';

// The staff directory: organisation (departments, positions, roles), employees
// with their reporting line and position history, and employment contracts.
// Rules the database can hold on its own live here, so no code path can skip them.
export async function up(db: Kysely<any>): Promise<void> {
  // Both are trusted extensions (a database owner may create them). They live in
  // `public` so every module that needs them shares one installation.
  await sql`CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`.execute(db);

  await sql`
    CREATE TABLE employees.department (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
      parent_id   uuid REFERENCES employees.department (id),
      created_at  timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT department_not_own_parent CHECK (parent_id IS DISTINCT FROM id)
    )`.execute(db);
  // Siblings have distinct names; the same name may appear under different parents.
  await sql`CREATE UNIQUE INDEX department_name_per_parent ON employees.department (parent_id, lower(name)) NULLS NOT DISTINCT`.execute(db);

  await sql`
    CREATE TABLE employees.position (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
      department_id  uuid NOT NULL REFERENCES employees.department (id),
      created_at     timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX position_title_per_department ON employees.position (department_id, lower(title))`.execute(db);

  await sql`
    CREATE TABLE employees.role (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
      description  text,
      created_at   timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX role_name ON employees.role (lower(name))`.execute(db);

  // One row per tenant. Hiring increments it in the hiring transaction: the row
  // lock serialises concurrent hires and a rolled-back hire gives its number back,
  // which a sequence would not (sequences leave gaps).
  await sql`
    CREATE TABLE employees.employee_number_counter (
      singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      last_value  integer NOT NULL DEFAULT 0 CHECK (last_value >= 0)
    )`.execute(db);
  await sql`INSERT INTO employees.employee_number_counter DEFAULT VALUES`.execute(db);

  await sql`
    CREATE TABLE employees.employee (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      employee_number   text NOT NULL UNIQUE,
      first_name        text NOT NULL,
      last_name         text NOT NULL,
      email             text NOT NULL,
      hire_date         date NOT NULL,
      status            text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ON_LEAVE', 'TERMINATED')),
      termination_date  date,
      department_id     uuid REFERENCES employees.department (id),
      position_id       uuid REFERENCES employees.position (id),
      manager_id        uuid REFERENCES employees.employee (id),
      search_text       text GENERATED ALWAYS AS (lower(employee_number || ' ' || first_name || ' ' || last_name || ' ' || email)) STORED,
      created_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT employee_not_own_manager CHECK (manager_id IS DISTINCT FROM id),
      CONSTRAINT employee_terminated_has_date CHECK ((status = 'TERMINATED') = (termination_date IS NOT NULL)),
      CONSTRAINT employee_terminated_after_hire CHECK (termination_date >= hire_date)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX employee_email ON employees.employee (lower(email))`.execute(db);
  // The directory's keyset order, overall and within the usual filters.
  await sql`CREATE INDEX employee_directory_order ON employees.employee (last_name, first_name, id)`.execute(db);
  await sql`CREATE INDEX employee_status_order ON employees.employee (status, last_name, first_name, id)`.execute(db);
  await sql`CREATE INDEX employee_department_order ON employees.employee (department_id, last_name, first_name, id)`.execute(db);
  await sql`CREATE INDEX employee_manager ON employees.employee (manager_id)`.execute(db);
  // Substring search over number, names and e-mail stays indexed at 100k employees.
  await sql`CREATE INDEX employee_search ON employees.employee USING gin (search_text public.gin_trgm_ops)`.execute(db);

  await sql`
    CREATE TABLE employees.position_assignment (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      employee_id  uuid NOT NULL REFERENCES employees.employee (id),
      position_id  uuid NOT NULL REFERENCES employees.position (id),
      start_date   date NOT NULL,
      end_date     date,
      created_at   timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT position_assignment_dates_in_order CHECK (end_date IS NULL OR end_date >= start_date),
      CONSTRAINT position_assignment_no_overlap EXCLUDE USING gist (employee_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
    )`.execute(db);
  await sql`CREATE INDEX position_assignment_employee ON employees.position_assignment (employee_id, start_date)`.execute(db);

  await sql`
    CREATE TABLE employees.employee_role (
      employee_id  uuid NOT NULL REFERENCES employees.employee (id),
      role_id      uuid NOT NULL REFERENCES employees.role (id),
      granted_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (employee_id, role_id)
    )`.execute(db);

  // End dates are inclusive (the last day worked). At most one contract per
  // employee on any date: the exclusion constraint is the rule, code only pre-checks.
  await sql`
    CREATE TABLE employees.contract (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      employee_id    uuid NOT NULL REFERENCES employees.employee (id),
      type           text NOT NULL CHECK (type IN ('PERMANENT', 'FIXED_TERM', 'CONTRACTOR')),
      start_date     date NOT NULL,
      end_date       date,
      pay_frequency  text NOT NULL CHECK (pay_frequency IN ('MONTHLY', 'BIWEEKLY', 'WEEKLY')),
      base_salary    numeric(14, 2) NOT NULL CHECK (base_salary > 0),
      currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      created_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT contract_dates_in_order CHECK (end_date IS NULL OR end_date >= start_date),
      CONSTRAINT contract_fixed_term_has_end CHECK (type <> 'FIXED_TERM' OR end_date IS NOT NULL),
      CONSTRAINT contract_no_overlap EXCLUDE USING gist (employee_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
    )`.execute(db);
  await sql`CREATE INDEX contract_employee ON employees.contract (employee_id, start_date)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['contract', 'employee_role', 'position_assignment', 'employee', 'employee_number_counter', 'role', 'position', 'department']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(`employees.${table}`)}`.execute(db);
  }
  // The extensions stay: other modules' schemas may use them.
}

import { sql, type Kysely } from 'kysely';

// The overview's employees block read the whole directory on every request
// (active headcount and the hires of the last 30 days) and counted the
// departments. Its figures now come from tallies the database keeps exact in
// the writing transaction: the active headcount from employee_count (kept by
// the directory's triggers), the new hires from a tally of hires per day (at
// most 30 rows read), the departments from a one-row count. Statement
// triggers with transition tables keep them for any writer (mutations,
// seeding, manual fixes) at one update per statement.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE employees.employee_hire_day (
      hire_date date PRIMARY KEY,
      employees bigint NOT NULL CHECK (employees >= 0)
    )`.execute(db);
  await sql`INSERT INTO employees.employee_hire_day (hire_date, employees) SELECT hire_date, count(*) FROM employees.employee GROUP BY hire_date`.execute(db);
  // plpgsql prepares a statement on its first run, so each branch may name only
  // the transition tables its operation has.
  await sql`
    CREATE FUNCTION employees.tally_hire_days() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO employees.employee_hire_day AS t (hire_date, employees)
        SELECT hire_date, count(*) FROM new_rows GROUP BY hire_date
        ON CONFLICT (hire_date) DO UPDATE SET employees = t.employees + EXCLUDED.employees;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE employees.employee_hire_day t SET employees = t.employees - d.n
        FROM (SELECT hire_date, count(*) AS n FROM old_rows GROUP BY hire_date) d WHERE t.hire_date = d.hire_date;
      ELSE
        -- A day the update moves employees into may not have its row yet (a row is checked before its conflict, so it gets 0 first).
        INSERT INTO employees.employee_hire_day (hire_date, employees)
        SELECT DISTINCT hire_date, 0 FROM new_rows
        ON CONFLICT (hire_date) DO NOTHING;
        -- Only days whose count moves are touched: most updates keep the hire date.
        UPDATE employees.employee_hire_day t SET employees = t.employees + d.n
        FROM (
          SELECT hire_date, sum(n) AS n FROM (
            SELECT hire_date, count(*) AS n FROM new_rows GROUP BY hire_date
            UNION ALL
            SELECT hire_date, -count(*) AS n FROM old_rows GROUP BY hire_date
          ) moves GROUP BY hire_date HAVING sum(n) <> 0
        ) d WHERE t.hire_date = d.hire_date;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER employee_hire_day_insert AFTER INSERT ON employees.employee REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_hire_days()`.execute(
    db,
  );
  await sql`CREATE TRIGGER employee_hire_day_update AFTER UPDATE ON employees.employee REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_hire_days()`.execute(
    db,
  );
  await sql`CREATE TRIGGER employee_hire_day_delete AFTER DELETE ON employees.employee REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_hire_days()`.execute(
    db,
  );

  await sql`
    CREATE TABLE employees.department_count (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      departments bigint NOT NULL CHECK (departments >= 0)
    )`.execute(db);
  await sql`INSERT INTO employees.department_count (departments) SELECT count(*) FROM employees.department`.execute(db);
  await sql`
    CREATE FUNCTION employees.tally_departments() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE employees.department_count SET departments = departments + (SELECT count(*) FROM new_rows);
      ELSE
        UPDATE employees.department_count SET departments = departments - (SELECT count(*) FROM old_rows);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER department_count_insert AFTER INSERT ON employees.department REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_departments()`.execute(
    db,
  );
  await sql`CREATE TRIGGER department_count_delete AFTER DELETE ON employees.department REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_departments()`.execute(
    db,
  );

  // TRUNCATE has no transition tables; it empties the tallies instead.
  await sql`
    CREATE FUNCTION employees.reset_overview_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'employee' THEN
        DELETE FROM employees.employee_hire_day;
      ELSE
        UPDATE employees.department_count SET departments = 0;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER employee_hire_day_truncate AFTER TRUNCATE ON employees.employee FOR EACH STATEMENT EXECUTE FUNCTION employees.reset_overview_tallies()`.execute(
    db,
  );
  await sql`CREATE TRIGGER department_count_truncate AFTER TRUNCATE ON employees.department FOR EACH STATEMENT EXECUTE FUNCTION employees.reset_overview_tallies()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [trigger, table] of [
    ['department_count_truncate', 'department'],
    ['employee_hire_day_truncate', 'employee'],
    ['department_count_delete', 'department'],
    ['department_count_insert', 'department'],
    ['employee_hire_day_delete', 'employee'],
    ['employee_hire_day_update', 'employee'],
    ['employee_hire_day_insert', 'employee'],
  ] as const) {
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(trigger)} ON ${sql.raw(`employees.${table}`)}`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS employees.reset_overview_tallies()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS employees.tally_departments()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS employees.tally_hire_days()`.execute(db);
  await sql`DROP TABLE IF EXISTS employees.department_count`.execute(db);
  await sql`DROP TABLE IF EXISTS employees.employee_hire_day`.execute(db);
}

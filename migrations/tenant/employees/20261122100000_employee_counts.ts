import { sql, type Kysely } from 'kysely';

// The directory's first page shows a total. Counting 100k rows costs about
// 10 ms on every such request; a tally per department and status, kept by the
// database, answers the unfiltered, status and department totals at once.
// Statement triggers with transition tables keep it exact for any writer
// (mutations, seeding, manual fixes) at one tally update per statement. A row
// appears for a (department, status) pair the first time it is used, with 0,
// and stays: the count is what matters, not the row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE employees.employee_count (
      department_id uuid,
      status text NOT NULL CHECK (status IN ('ACTIVE', 'ON_LEAVE', 'TERMINATED')),
      employees bigint NOT NULL CHECK (employees >= 0),
      CONSTRAINT employee_count_key UNIQUE NULLS NOT DISTINCT (department_id, status)
    )`.execute(db);
  await sql`
    INSERT INTO employees.employee_count (department_id, status, employees)
    SELECT department_id, status, count(*) FROM employees.employee GROUP BY department_id, status`.execute(db);
  // plpgsql prepares a statement on its first run, so each branch may name only
  // the transition tables its operation has.
  await sql`
    CREATE FUNCTION employees.tally_employees() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO employees.employee_count (department_id, status, employees)
        SELECT department_id, status, count(*) FROM new_rows GROUP BY department_id, status
        ON CONFLICT (department_id, status) DO UPDATE SET employees = employee_count.employees + EXCLUDED.employees;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE employees.employee_count c SET employees = c.employees - d.n
        FROM (SELECT department_id, status, count(*) AS n FROM old_rows GROUP BY department_id, status) d
        WHERE c.department_id IS NOT DISTINCT FROM d.department_id AND c.status = d.status;
      ELSE
        -- A pair the update moves employees into may not have its row yet.
        INSERT INTO employees.employee_count (department_id, status, employees)
        SELECT DISTINCT department_id, status, 0 FROM new_rows
        ON CONFLICT (department_id, status) DO NOTHING;
        -- Only pairs whose count moves are touched: most updates keep both.
        UPDATE employees.employee_count c SET employees = c.employees + d.n
        FROM (
          SELECT department_id, status, sum(n) AS n FROM (
            SELECT department_id, status, count(*) AS n FROM new_rows GROUP BY department_id, status
            UNION ALL
            SELECT department_id, status, -count(*) AS n FROM old_rows GROUP BY department_id, status
          ) moves GROUP BY department_id, status HAVING sum(n) <> 0
        ) d
        WHERE c.department_id IS NOT DISTINCT FROM d.department_id AND c.status = d.status;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER employee_tally_insert AFTER INSERT ON employees.employee REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_employees()`.execute(
    db,
  );
  await sql`CREATE TRIGGER employee_tally_update AFTER UPDATE ON employees.employee REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_employees()`.execute(
    db,
  );
  await sql`CREATE TRIGGER employee_tally_delete AFTER DELETE ON employees.employee REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION employees.tally_employees()`.execute(
    db,
  );
  // TRUNCATE has no transition tables; it empties the tally instead.
  await sql`
    CREATE FUNCTION employees.reset_employee_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM employees.employee_count;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER employee_tally_truncate AFTER TRUNCATE ON employees.employee FOR EACH STATEMENT EXECUTE FUNCTION employees.reset_employee_tally()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS employee_tally_truncate ON employees.employee`.execute(db);
  await sql`DROP TRIGGER IF EXISTS employee_tally_delete ON employees.employee`.execute(db);
  await sql`DROP TRIGGER IF EXISTS employee_tally_update ON employees.employee`.execute(db);
  await sql`DROP TRIGGER IF EXISTS employee_tally_insert ON employees.employee`.execute(db);
  await sql`DROP FUNCTION IF EXISTS employees.reset_employee_tally()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS employees.tally_employees()`.execute(db);
  await sql`DROP TABLE IF EXISTS employees.employee_count`.execute(db);
}

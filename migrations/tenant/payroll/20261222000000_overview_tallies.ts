import { sql, type Kysely } from 'kysely';

// The overview's payrollEmployees metric joined every payslip of the last run
// (about 10,000) with the employees' projection on each request, and the
// block counted the pay runs. Both now come from tallies the database keeps
// exact in the writing transaction, by statement triggers with transition
// tables for any writer:
// - pay_run_active_paid: per run, its payslips (of a run not cancelled) whose
//   employee the projection holds ACTIVE. Kept by the payslips' triggers (a
//   run's calculation, cancellation) and the projection's (an employee's
//   status event moves only the runs that paid that employee).
// - pay_run_status_count: pay runs per status.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE payroll.pay_run_active_paid (
      pay_run_id  uuid PRIMARY KEY REFERENCES payroll.pay_run (id) ON DELETE CASCADE,
      paid_active bigint NOT NULL CHECK (paid_active >= 0)
    )`.execute(db);
  await sql`
    INSERT INTO payroll.pay_run_active_paid (pay_run_id, paid_active)
    SELECT p.pay_run_id, count(e.employee_id) FROM payroll.payslip p
    LEFT JOIN payroll.employee_projection e ON e.employee_id = p.employee_id AND e.status = 'ACTIVE' AND NOT p.run_cancelled
    GROUP BY p.pay_run_id`.execute(db);
  // plpgsql prepares a statement on its first run, so each branch may name only
  // the transition tables its operation has. Rows are written in key order so
  // concurrent writers lock them in the same order.
  await sql`
    CREATE FUNCTION payroll.tally_paid_active_by_payslip() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        -- Every run that has payslips gets its row, 0 included: the projection's trigger only updates rows.
        INSERT INTO payroll.pay_run_active_paid AS t (pay_run_id, paid_active)
        SELECT p.pay_run_id, count(e.employee_id) FROM new_rows p
        LEFT JOIN payroll.employee_projection e ON e.employee_id = p.employee_id AND e.status = 'ACTIVE' AND NOT p.run_cancelled
        GROUP BY p.pay_run_id ORDER BY 1
        ON CONFLICT (pay_run_id) DO UPDATE SET paid_active = t.paid_active + EXCLUDED.paid_active;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE payroll.pay_run_active_paid t SET paid_active = t.paid_active - d.n
        FROM (SELECT p.pay_run_id, count(*) AS n FROM old_rows p JOIN payroll.employee_projection e ON e.employee_id = p.employee_id
              WHERE e.status = 'ACTIVE' AND NOT p.run_cancelled GROUP BY p.pay_run_id) d
        WHERE t.pay_run_id = d.pay_run_id;
      ELSE
        -- A run the update moves payslips into may not have its row yet (a row is checked before its conflict, so it gets 0 first).
        INSERT INTO payroll.pay_run_active_paid (pay_run_id, paid_active)
        SELECT DISTINCT pay_run_id, 0 FROM new_rows ORDER BY 1
        ON CONFLICT (pay_run_id) DO NOTHING;
        UPDATE payroll.pay_run_active_paid t SET paid_active = t.paid_active + d.n
        FROM (
          SELECT pay_run_id, sum(n) AS n FROM (
            SELECT p.pay_run_id, count(*) AS n FROM new_rows p JOIN payroll.employee_projection e ON e.employee_id = p.employee_id
            WHERE e.status = 'ACTIVE' AND NOT p.run_cancelled GROUP BY p.pay_run_id
            UNION ALL
            SELECT p.pay_run_id, -count(*) AS n FROM old_rows p JOIN payroll.employee_projection e ON e.employee_id = p.employee_id
            WHERE e.status = 'ACTIVE' AND NOT p.run_cancelled GROUP BY p.pay_run_id
          ) moves GROUP BY pay_run_id HAVING sum(n) <> 0
        ) d WHERE t.pay_run_id = d.pay_run_id;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER payslip_paid_active_insert AFTER INSERT ON payroll.payslip REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_paid_active_by_payslip()`.execute(
    db,
  );
  await sql`CREATE TRIGGER payslip_paid_active_update AFTER UPDATE ON payroll.payslip REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_paid_active_by_payslip()`.execute(
    db,
  );
  await sql`CREATE TRIGGER payslip_paid_active_delete AFTER DELETE ON payroll.payslip REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_paid_active_by_payslip()`.execute(
    db,
  );
  // An employee who becomes ACTIVE, or stops being ACTIVE, moves every run
  // (not cancelled) that paid them: the payslips are found through the
  // exclusion constraint's index on employee_id (NOT run_cancelled).
  await sql`
    CREATE FUNCTION payroll.tally_paid_active_by_employee() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE payroll.pay_run_active_paid t SET paid_active = t.paid_active + d.n
        FROM (SELECT p.pay_run_id, count(*) AS n FROM new_rows e JOIN payroll.payslip p ON p.employee_id = e.employee_id AND NOT p.run_cancelled
              WHERE e.status = 'ACTIVE' GROUP BY p.pay_run_id) d
        WHERE t.pay_run_id = d.pay_run_id;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE payroll.pay_run_active_paid t SET paid_active = t.paid_active - d.n
        FROM (SELECT p.pay_run_id, count(*) AS n FROM old_rows e JOIN payroll.payslip p ON p.employee_id = e.employee_id AND NOT p.run_cancelled
              WHERE e.status = 'ACTIVE' GROUP BY p.pay_run_id) d
        WHERE t.pay_run_id = d.pay_run_id;
      ELSE
        -- Every run concerned already has its row: the payslips' trigger gave one to every run with payslips.
        UPDATE payroll.pay_run_active_paid t SET paid_active = t.paid_active + d.n
        FROM (
          SELECT p.pay_run_id, sum(m.n) AS n FROM (
            SELECT employee_id, sum(n) AS n FROM (
              SELECT employee_id, 1 AS n FROM new_rows WHERE status = 'ACTIVE'
              UNION ALL
              SELECT employee_id, -1 AS n FROM old_rows WHERE status = 'ACTIVE'
            ) changes GROUP BY employee_id HAVING sum(n) <> 0
          ) m JOIN payroll.payslip p ON p.employee_id = m.employee_id AND NOT p.run_cancelled
          GROUP BY p.pay_run_id HAVING sum(m.n) <> 0
        ) d WHERE t.pay_run_id = d.pay_run_id;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER employee_projection_paid_active_insert AFTER INSERT ON payroll.employee_projection REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_paid_active_by_employee()`.execute(
    db,
  );
  await sql`CREATE TRIGGER employee_projection_paid_active_update AFTER UPDATE ON payroll.employee_projection REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_paid_active_by_employee()`.execute(
    db,
  );
  await sql`CREATE TRIGGER employee_projection_paid_active_delete AFTER DELETE ON payroll.employee_projection REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_paid_active_by_employee()`.execute(
    db,
  );

  await sql`
    CREATE TABLE payroll.pay_run_status_count (
      status text PRIMARY KEY CHECK (status IN ('DRAFT', 'CALCULATED', 'APPROVED', 'POSTED', 'CANCELLED')),
      runs   bigint NOT NULL CHECK (runs >= 0)
    )`.execute(db);
  await sql`
    INSERT INTO payroll.pay_run_status_count (status, runs)
    SELECT s.status, (SELECT count(*) FROM payroll.pay_run r WHERE r.status = s.status)
    FROM (VALUES ('DRAFT'), ('CALCULATED'), ('APPROVED'), ('POSTED'), ('CANCELLED')) AS s (status)`.execute(db);
  await sql`
    CREATE FUNCTION payroll.tally_pay_run_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE payroll.pay_run_status_count c SET runs = c.runs + d.n
        FROM (SELECT status, count(*) AS n FROM new_rows GROUP BY status) d WHERE c.status = d.status;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE payroll.pay_run_status_count c SET runs = c.runs - d.n
        FROM (SELECT status, count(*) AS n FROM old_rows GROUP BY status) d WHERE c.status = d.status;
      ELSE
        -- Only statuses whose count moves are touched: most updates keep the status.
        UPDATE payroll.pay_run_status_count c SET runs = c.runs + d.n
        FROM (
          SELECT status, sum(n) AS n FROM (
            SELECT status, count(*) AS n FROM new_rows GROUP BY status
            UNION ALL
            SELECT status, -count(*) AS n FROM old_rows GROUP BY status
          ) moves GROUP BY status HAVING sum(n) <> 0
        ) d WHERE c.status = d.status;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER pay_run_status_count_insert AFTER INSERT ON payroll.pay_run REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_pay_run_statuses()`.execute(
    db,
  );
  await sql`CREATE TRIGGER pay_run_status_count_update AFTER UPDATE ON payroll.pay_run REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_pay_run_statuses()`.execute(
    db,
  );
  await sql`CREATE TRIGGER pay_run_status_count_delete AFTER DELETE ON payroll.pay_run REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll.tally_pay_run_statuses()`.execute(
    db,
  );

  // TRUNCATE has no transition tables; it empties the tallies instead.
  await sql`
    CREATE FUNCTION payroll.reset_overview_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'pay_run' THEN
        UPDATE payroll.pay_run_status_count SET runs = 0;
      END IF;
      -- Without payslips, or without the projection, no run paid anyone the projection holds ACTIVE.
      DELETE FROM payroll.pay_run_active_paid;
      RETURN NULL;
    END $$`.execute(db);
  for (const table of ['pay_run', 'payslip', 'employee_projection']) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_overview_tallies_truncate`)} AFTER TRUNCATE ON ${sql.raw(`payroll.${table}`)} FOR EACH STATEMENT EXECUTE FUNCTION payroll.reset_overview_tallies()`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['pay_run', 'payslip', 'employee_projection']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(`${table}_overview_tallies_truncate`)} ON ${sql.raw(`payroll.${table}`)}`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS payroll.reset_overview_tallies()`.execute(db);
  for (const op of ['insert', 'update', 'delete']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(`pay_run_status_count_${op}`)} ON payroll.pay_run`.execute(db);
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(`employee_projection_paid_active_${op}`)} ON payroll.employee_projection`.execute(db);
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(`payslip_paid_active_${op}`)} ON payroll.payslip`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS payroll.tally_pay_run_statuses()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS payroll.tally_paid_active_by_employee()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS payroll.tally_paid_active_by_payslip()`.execute(db);
  await sql`DROP TABLE IF EXISTS payroll.pay_run_status_count`.execute(db);
  await sql`DROP TABLE IF EXISTS payroll.pay_run_active_paid`.execute(db);
}

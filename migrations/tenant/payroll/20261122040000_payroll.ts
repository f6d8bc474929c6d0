import { sql, type Kysely } from 'kysely';

// Payroll: the tenant's settings, its own projection of employees and contracts
// (fed only by the employees module's events), pay runs, payslips and their lines.
// Rules that must hold under concurrency live here as constraints.
export async function up(db: Kysely<any>): Promise<void> {
  // Needed for the payslip exclusion constraint (uuid equality inside a GiST
  // index). A trusted extension, installed once in `public` for every module.
  await sql`CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public`.execute(db);

  // One row per tenant, created here with defaults that fit finance's default chart.
  await sql`
    CREATE TABLE payroll.settings (
      singleton                              boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      currency                               char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
      income_tax_rate                        numeric(9,6) NOT NULL DEFAULT 0.20 CHECK (income_tax_rate BETWEEN 0 AND 1),
      employee_contribution_rate             numeric(9,6) NOT NULL DEFAULT 0.11 CHECK (employee_contribution_rate BETWEEN 0 AND 1),
      employer_contribution_rate             numeric(9,6) NOT NULL DEFAULT 0.2375 CHECK (employer_contribution_rate BETWEEN 0 AND 1),
      salary_expense_account                 text NOT NULL DEFAULT '6000' CHECK (btrim(salary_expense_account) <> ''),
      employer_contribution_expense_account  text NOT NULL DEFAULT '6100' CHECK (btrim(employer_contribution_expense_account) <> ''),
      net_pay_payable_account                text NOT NULL DEFAULT '2100' CHECK (btrim(net_pay_payable_account) <> ''),
      income_tax_payable_account             text NOT NULL DEFAULT '2200' CHECK (btrim(income_tax_payable_account) <> ''),
      contributions_payable_account          text NOT NULL DEFAULT '2300' CHECK (btrim(contributions_payable_account) <> ''),
      updated_at                             timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`INSERT INTO payroll.settings DEFAULT VALUES`.execute(db);

  // Fixed monthly amounts every paid employee gets (EARNING) or has withheld
  // (DEDUCTION), prorated like the salary. Codes name the payslip lines.
  await sql`
    CREATE TABLE payroll.pay_component (
      code          text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{0,39}$'),
      name          text NOT NULL CHECK (btrim(name) <> ''),
      kind          text NOT NULL CHECK (kind IN ('EARNING', 'DEDUCTION')),
      amount        numeric(14,2) NOT NULL CHECK (amount > 0),
      account_code  text CHECK (account_code IS NULL OR btrim(account_code) <> ''),
      position      integer NOT NULL,
      CONSTRAINT pay_component_deduction_has_account CHECK (kind = 'EARNING' OR account_code IS NOT NULL)
    )`.execute(db);

  // What payroll knows about employees, from EmployeeHired / EmployeeStatusChanged /
  // EmployeeTerminated. Each group of columns remembers when the fact behind it
  // happened, so late or repeated events never roll it back. No foreign keys to
  // contracts: events of different aggregates may arrive in any order.
  await sql`
    CREATE TABLE payroll.employee_projection (
      employee_id          uuid PRIMARY KEY,
      employee_number      text,
      full_name            text,
      email                text,
      hire_date            date,
      department_id        uuid,
      profile_as_of        timestamptz,
      status               text CHECK (status IN ('ACTIVE', 'ON_LEAVE', 'TERMINATED')),
      status_since         date,
      status_as_of         timestamptz,
      termination_date     date,
      termination_as_of    timestamptz
    )`.execute(db);

  // Contracts from ContractSigned / ContractEnded. A ContractEnded that overtakes
  // its ContractSigned leaves a row with only the end; calculation ignores rows
  // whose terms are still unknown.
  await sql`
    CREATE TABLE payroll.contract_projection (
      contract_id     uuid PRIMARY KEY,
      employee_id     uuid NOT NULL,
      type            text CHECK (type IN ('PERMANENT', 'FIXED_TERM', 'CONTRACTOR')),
      start_date      date,
      end_date        date,
      pay_frequency   text CHECK (pay_frequency IN ('MONTHLY', 'BIWEEKLY', 'WEEKLY')),
      base_salary     numeric(14,2) CHECK (base_salary >= 0),
      currency        char(3),
      terms_as_of     timestamptz,
      ended_on        date,
      ended_as_of     timestamptz,
      CONSTRAINT contract_projection_terms_complete CHECK (
        (terms_as_of IS NULL) = (start_date IS NULL)
        AND (start_date IS NULL) = (base_salary IS NULL)
        AND (start_date IS NULL) = (pay_frequency IS NULL)
        AND (start_date IS NULL) = (currency IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX contract_projection_employee ON payroll.contract_projection (employee_id)`.execute(db);
  // Calculation reads the contracts overlapping one period.
  await sql`CREATE INDEX contract_projection_period ON payroll.contract_projection (start_date) WHERE start_date IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE payroll.pay_run (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      period_start           date NOT NULL,
      period_end             date NOT NULL,
      pay_date               date NOT NULL,
      status                 text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'CALCULATED', 'APPROVED', 'POSTED', 'CANCELLED')),
      currency               char(3) NOT NULL,
      payslip_count          integer NOT NULL DEFAULT 0 CHECK (payslip_count >= 0),
      gross                  numeric(16,2),
      deductions             numeric(16,2),
      net                    numeric(16,2) CHECK (net >= 0),
      employer_cost          numeric(16,2),
      terms                  jsonb,
      journal_entry_id       uuid,
      journal_entry_number   text,
      created_at             timestamptz NOT NULL DEFAULT now(),
      calculated_at          timestamptz,
      approved_at            timestamptz,
      posted_at              timestamptz,
      cancelled_at           timestamptz,
      CONSTRAINT pay_run_period_in_order CHECK (period_end >= period_start),
      CONSTRAINT pay_run_totals_once_calculated CHECK ((status = 'DRAFT') OR (status = 'CANCELLED') OR (gross IS NOT NULL AND terms IS NOT NULL)),
      CONSTRAINT pay_run_posted_has_date CHECK ((status = 'POSTED') = (posted_at IS NOT NULL)),
      CONSTRAINT pay_run_cancelled_has_date CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
    )`.execute(db);
  // The list order: newest period first.
  await sql`CREATE INDEX pay_run_list_order ON payroll.pay_run (period_start DESC, id DESC)`.execute(db);

  // Period and the run's cancelled flag are copied onto each payslip so the
  // database itself refuses two payslips of one employee for overlapping periods
  // of runs that are not cancelled (an exclusion constraint cannot join). The
  // constraint also means one payslip per employee and run. Indexes are kept to
  // what reads need: a run writes 10,000 payslips at once and each index costs.
  await sql`
    CREATE TABLE payroll.payslip (
      id               uuid PRIMARY KEY,
      pay_run_id       uuid NOT NULL REFERENCES payroll.pay_run (id),
      employee_id      uuid NOT NULL,
      employee_number  text,
      period_start     date NOT NULL,
      period_end       date NOT NULL,
      run_cancelled    boolean NOT NULL DEFAULT false,
      currency         char(3) NOT NULL,
      days_paid        integer NOT NULL CHECK (days_paid >= 0),
      gross            numeric(14,2) NOT NULL CHECK (gross >= 0),
      deductions       numeric(14,2) NOT NULL CHECK (deductions >= 0),
      net              numeric(14,2) NOT NULL CHECK (net >= 0),
      employer_cost    numeric(14,2) NOT NULL CHECK (employer_cost >= 0),
      CONSTRAINT payslip_net_is_gross_less_deductions CHECK (net = gross - deductions),
      CONSTRAINT payslip_no_overlap EXCLUDE USING gist (employee_id WITH =, daterange(period_start, period_end, '[]') WITH &&) WHERE (NOT run_cancelled)
    )`.execute(db);
  // A run's payslips by employee number; an employee's payslips use the exclusion constraint's index.
  await sql`CREATE INDEX payslip_of_run ON payroll.payslip (pay_run_id, employee_number)`.execute(db);

  await sql`
    CREATE TABLE payroll.payslip_line (
      payslip_id   uuid NOT NULL REFERENCES payroll.payslip (id) ON DELETE CASCADE,
      position     integer NOT NULL CHECK (position >= 0),
      kind         text NOT NULL CHECK (kind IN ('EARNING', 'DEDUCTION', 'TAX', 'EMPLOYER_CONTRIBUTION')),
      code         text NOT NULL,
      description  text NOT NULL,
      amount       numeric(14,2) NOT NULL CHECK (amount >= 0),
      PRIMARY KEY (payslip_id, position)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['payslip_line', 'payslip', 'pay_run', 'contract_projection', 'employee_projection', 'pay_component', 'settings']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(`payroll.${table}`)}`.execute(db);
  }
  // btree_gist stays: other modules' schemas may use it.
}

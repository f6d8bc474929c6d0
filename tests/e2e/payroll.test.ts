import type { Entities, Mutation, Query } from '../support/api';
import { callSubgraph, createCompany, issueKey, type GatewayCompany } from '../support/company';
import { deliverEvents } from '../support/events';
import {
  approvedPayRun,
  employeesOperation,
  hireWithContract,
  ledgerEntriesOfPayRun,
  mutateOk,
  payrollFootprint,
  payrollOperation,
} from '../support/payroll-fixtures';
import { exampleVariables, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

/** The contract's PayRun: the run and, from finance, the entry it booked. */
type PayRunWithEntry = {
  payRun: {
    id: string;
    journalEntry: { id: string; number: string; lines: Array<{ account: { code: string }; debit: string | null; credit: string | null }> } | null;
  };
};

// The contract operations of operations/contract/payroll.graphql, end to end
// through the gateway: employees hires and signs, the relay brings the events
// to payroll, payroll pays and posts, finance books the entry and payroll
// learns its id. Expected amounts are the hand-computed ones of
// tests/unit/payroll-payslip.test.ts (hire on 5 January at 4200.00 a month).

let t: TestStack;
/** SQL statements the payroll subgraph ran while `counting` was on. */
let statements: string[] = [];
let counting = false;
// Each company's second key approves what its first key calculated (separation of duties).
let acme: GatewayCompany<'approver'>;
let beta: GatewayCompany<'approver'>;
const ids: Record<string, string> = {};

const deliver = (company: GatewayCompany) => deliverEvents(t.database.config, t.database.db, company.slug);
const eur = (amount: string) => ({ amount, currency: 'EUR' });

beforeAll(async () => {
  t = await startTestStack({
    // It counts the statements of executing queries: the response cache would answer a repeated one from memory.
    responseCache: false,
    onQuery: (text, _database, subgraph) => void (counting && subgraph === 'payroll' && statements.push(text)),
  });
  const approver = { approver: { modules: ['PAYROLL' as const] } };
  acme = await createCompany(t, { name: 'Acme Payroll', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'], keys: approver });
  beta = await createCompany(t, { name: 'Beta Payroll', modules: ['EMPLOYEES', 'PAYROLL'], keys: approver });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('a month of payroll, posted to the ledger (contract operations)', () => {
  it('hires and signs through employees; the relay feeds payroll', async () => {
    const department = await mutateOk(acme, employeesOperation('CreateDepartment'), 'createDepartment', exampleVariables('CreateDepartment'));
    ids.departmentId = department.department.id;
    const position = await mutateOk(acme, employeesOperation('CreatePosition'), 'createPosition', exampleVariables('CreatePosition', ids));
    ids.positionId = position.position.id;
    const hired = await mutateOk(acme, employeesOperation('HireEmployee'), 'hireEmployee', exampleVariables('HireEmployee', ids));
    ids.employeeId = hired.employee.id;
    await mutateOk(acme, employeesOperation('SignContract'), 'signContract', exampleVariables('SignContract', ids));
    expect(await deliver(acme)).toMatchObject({ failed: 0, dead: 0 });
  });

  it('CreatePayRun opens a DRAFT run', async () => {
    const res = await acme.gql<Pick<Mutation, 'createPayRun'>>(payrollOperation('CreatePayRun'), exampleVariables('CreatePayRun'));
    expect(res.errors).toBeUndefined();
    expect(res.data!.createPayRun).toEqual({
      payRun: { id: expect.any(String), status: 'DRAFT', periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-31' },
      userErrors: [],
    });
    ids.payRunId = res.data!.createPayRun.payRun!.id;
  });

  it('CalculatePayRun computes the prorated payslip, with the employee resolved by employees', async () => {
    const res = await acme.gql<Pick<Mutation, 'calculatePayRun'>>(payrollOperation('CalculatePayRun'), exampleVariables('CalculatePayRun', ids));
    expect(res.errors).toBeUndefined();
    const payRun = res.data!.calculatePayRun.payRun!;
    expect(res.data!.calculatePayRun.userErrors).toEqual([]);
    expect(payRun.status).toBe('CALCULATED');
    expect(payRun.totals).toEqual({ gross: eur('3658.06'), deductions: eur('1053.52'), net: eur('2604.54'), employerCost: eur('4526.85') });
    expect(payRun.payslips).toEqual([
      {
        id: expect.any(String),
        employee: { id: ids.employeeId, fullName: 'Ana Silva' },
        gross: eur('3658.06'),
        net: eur('2604.54'),
        lines: [
          { kind: 'EARNING', code: 'BASE_SALARY', amount: eur('3658.06') },
          { kind: 'DEDUCTION', code: 'EMPLOYEE_CONTRIBUTION', amount: eur('402.39') },
          { kind: 'TAX', code: 'INCOME_TAX', amount: eur('651.13') },
          { kind: 'EMPLOYER_CONTRIBUTION', code: 'EMPLOYER_CONTRIBUTION', amount: eur('868.79') },
        ],
      },
    ]);
    ids.firstPayslipId = payRun.payslips[0]!.id;
  });

  it('recalculating replaces the payslips instead of adding to them', async () => {
    const res = await acme.gql<Pick<Mutation, 'calculatePayRun'>>(payrollOperation('CalculatePayRun'), exampleVariables('CalculatePayRun', ids));
    const payRun = res.data!.calculatePayRun.payRun!;
    expect(payRun.payslips).toHaveLength(1);
    expect(payRun.payslips[0]!.id).not.toBe(ids.firstPayslipId);
    expect(payRun.totals!.net).toEqual(eur('2604.54'));
    ids.payslipId = payRun.payslips[0]!.id;
    const rows = await acme.tenantDb.selectFrom('payroll.payslip').select('id').execute();
    expect(rows).toEqual([{ id: ids.payslipId }]);
  });

  it('ApprovePayRun and PostPayRun move the run on; posting writes PayRunPosted in the same transaction', async () => {
    const approved = await acme.keys.approver.gql<Pick<Mutation, 'approvePayRun'>>(payrollOperation('ApprovePayRun'), exampleVariables('ApprovePayRun', ids));
    expect(approved.data!.approvePayRun).toEqual({ payRun: { id: ids.payRunId, status: 'APPROVED' }, userErrors: [] });
    const posted = await acme.gql<Pick<Mutation, 'postPayRun'>>(payrollOperation('PostPayRun'), exampleVariables('PostPayRun', ids));
    expect(posted.errors).toBeUndefined();
    expect(posted.data!.postPayRun).toEqual({ payRun: { id: ids.payRunId, status: 'POSTED', postedAt: expect.any(String) }, userErrors: [] });

    const outbox = await acme.tenantDb
      .selectFrom('payroll.outbox')
      .select(['event_type', 'aggregate_id', 'payload'])
      .where('event_type', '=', 'PayRunPosted')
      .execute();
    expect(outbox).toEqual([
      {
        event_type: 'PayRunPosted',
        aggregate_id: ids.payRunId,
        payload: {
          payRunId: ids.payRunId,
          periodStart: '2026-01-01',
          periodEnd: '2026-01-31',
          payDate: '2026-01-31',
          posting: {
            reference: ids.payRunId,
            date: '2026-01-31',
            memo: 'Payroll 2026-01-01–2026-01-31',
            lines: [
              { accountCode: '6000', debit: '3658.06', description: 'Gross salaries' },
              { accountCode: '6100', debit: '868.79', description: 'Employer contributions' },
              { accountCode: '2100', credit: '2604.54', description: 'Net pay' },
              { accountCode: '2200', credit: '651.13', description: 'Income tax withheld' },
              { accountCode: '2300', credit: '1271.18', description: 'Employee contributions; Employer contributions' },
            ],
          },
        },
      },
    ]);
  });

  it('PayRun shows the balanced journal entry finance booked, once the relay has run', async () => {
    const before = await acme.gql<PayRunWithEntry>(payrollOperation('PayRun'), exampleVariables('PayRun', ids));
    expect(before.data!.payRun.journalEntry).toBeNull();

    expect(await deliver(acme)).toMatchObject({ failed: 0, dead: 0 });
    const res = await acme.gql<PayRunWithEntry>(payrollOperation('PayRun'), exampleVariables('PayRun', ids));
    expect(res.errors).toBeUndefined();
    const entry = res.data!.payRun.journalEntry!;
    expect(res.data!.payRun).toMatchObject({
      id: ids.payRunId,
      status: 'POSTED',
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      postedAt: expect.any(String),
    });
    expect(entry.number).toMatch(/^JE-2026-\d{6}$/);
    const byAccount = Object.fromEntries(
      entry.lines.map((l: { account: { code: string }; debit: string | null; credit: string | null }) => [l.account.code, [l.debit, l.credit]]),
    );
    expect(byAccount).toEqual({
      '6000': ['3658.06', null],
      '6100': ['868.79', null],
      '2100': [null, '2604.54'],
      '2200': [null, '651.13'],
      '2300': [null, '1271.18'],
    });
    expect(await ledgerEntriesOfPayRun(acme.tenantDb, ids.payRunId!)).toEqual([{ id: entry.id, number: entry.number }]);

    // Delivering again books nothing more.
    await deliver(acme);
    expect(await ledgerEntriesOfPayRun(acme.tenantDb, ids.payRunId!)).toHaveLength(1);
  });

  it('PayRuns lists the run with its totals', async () => {
    const res = await acme.gql<Pick<Query, 'payRuns'>>(payrollOperation('PayRuns'), exampleVariables('PayRuns'));
    expect(res.errors).toBeUndefined();
    expect(res.data!.payRuns).toEqual({
      totalCount: 1,
      edges: [
        {
          cursor: expect.any(String),
          node: { id: ids.payRunId, status: 'POSTED', periodStart: '2026-01-01', periodEnd: '2026-01-31', totals: { net: eur('2604.54') } },
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });
  });

  it('EmployeePayslips extends the employee with the payslips payroll holds', async () => {
    const res = await acme.gql<Pick<Query, 'employee'>>(payrollOperation('EmployeePayslips'), exampleVariables('EmployeePayslips', ids));
    expect(res.errors).toBeUndefined();
    expect(res.data!.employee).toEqual({
      id: ids.employeeId,
      fullName: 'Ana Silva',
      payslips: [{ id: ids.payslipId, payRun: { id: ids.payRunId, periodEnd: '2026-01-31' }, net: eur('2604.54') }],
    });
  });
});

describe('what payroll refuses', () => {
  const calculate = (company: GatewayCompany, payRunId: string) =>
    company.gql<Pick<Mutation, 'calculatePayRun'>>(payrollOperation('CalculatePayRun'), { input: { payRunId } });
  const codes = (payload: { userErrors: Array<{ code: string }> }) => payload.userErrors.map((e) => e.code);

  it('refuses transitions the state machine does not allow, writing nothing', async () => {
    const before = await payrollFootprint(acme.tenantDb);
    const onPosted: Array<GraphQLResponse<Record<string, unknown>>> = [
      await calculate(acme, ids.payRunId!),
      await acme.gql<Pick<Mutation, 'approvePayRun'>>(payrollOperation('ApprovePayRun'), { input: { payRunId: ids.payRunId } }),
      await acme.gql<Pick<Mutation, 'postPayRun'>>(payrollOperation('PostPayRun'), { input: { payRunId: ids.payRunId } }),
      await acme.gql(`mutation($input: CancelPayRunInput!) { cancelPayRun(input: $input) { payRun { id } userErrors { field message code } } }`, {
        input: { payRunId: ids.payRunId },
      }),
    ];
    for (const res of onPosted) {
      const payload = Object.values(res.data!)[0] as { payRun: unknown; userErrors: Array<{ code: string; field: string[] }> };
      expect(payload.payRun).toBeNull();
      expect(payload.userErrors).toEqual([
        { field: ['input', 'payRunId'], message: expect.stringContaining('The pay run is POSTED: it cannot be'), code: 'INVALID_STATE' },
      ]);
    }
    const unknown = await calculate(acme, '00000000-0000-4000-8000-000000000000');
    expect(codes(unknown.data!.calculatePayRun)).toEqual(['NOT_FOUND']);
    expect(await payrollFootprint(acme.tenantDb)).toEqual(before);

    const draft = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', {
      input: { periodStart: '2026-03-01', periodEnd: '2026-03-31', payDate: '2026-03-31' },
    });
    const approveDraft = await acme.gql<Pick<Mutation, 'approvePayRun'>>(payrollOperation('ApprovePayRun'), { input: { payRunId: draft.payRun.id } });
    expect(codes(approveDraft.data!.approvePayRun)).toEqual(['INVALID_STATE']);
    const postDraft = await acme.gql<Pick<Mutation, 'postPayRun'>>(payrollOperation('PostPayRun'), { input: { payRunId: draft.payRun.id } });
    expect(codes(postDraft.data!.postPayRun)).toEqual(['INVALID_STATE']);
    const notAMonth = await acme.gql<Pick<Mutation, 'createPayRun'>>(payrollOperation('CreatePayRun'), {
      input: { periodStart: '2026-03-01', periodEnd: '2026-04-15', payDate: '2026-04-15' },
    });
    expect(codes(notAMonth.data!.createPayRun)).toEqual(['INVALID_PERIOD']);
  });

  it('refuses a second run over an overlapping period when it is calculated: the database constraint decides', async () => {
    const second = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', exampleVariables('CreatePayRun'));
    const before = await payrollFootprint(acme.tenantDb);
    const res = await calculate(acme, second.payRun.id);
    expect(res.errors).toBeUndefined();
    expect(res.data!.calculatePayRun.payRun).toBeNull();
    expect(res.data!.calculatePayRun.userErrors).toEqual([
      {
        field: ['input', 'payRunId'],
        message: expect.stringMatching(/^Employee EMP-\d+ already has a payslip for a period overlapping 2026-01-01–2026-01-31/),
        code: 'PERIOD_OVERLAP',
      },
    ]);
    expect(await payrollFootprint(acme.tenantDb)).toEqual(before);
  });

  it('a cancelled run no longer blocks its period', async () => {
    const feb = { periodStart: '2026-02-01', periodEnd: '2026-02-28', payDate: '2026-02-27' };
    const first = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', { input: feb });
    await mutateOk(acme, payrollOperation('CalculatePayRun'), 'calculatePayRun', { input: { payRunId: first.payRun.id } });
    const overlap = await calculate(acme, (await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', { input: feb })).payRun.id);
    expect(codes(overlap.data!.calculatePayRun)).toEqual(['PERIOD_OVERLAP']);

    const cancelled = await mutateOk(
      acme,
      `mutation($input: CancelPayRunInput!) { cancelPayRun(input: $input) { payRun { id status } userErrors { field message code } } }`,
      'cancelPayRun',
      {
        input: { payRunId: first.payRun.id },
      },
    );
    expect(cancelled.payRun.status).toBe('CANCELLED');
    const again = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', { input: feb });
    const recalculated = await mutateOk(acme, payrollOperation('CalculatePayRun'), 'calculatePayRun', { input: { payRunId: again.payRun.id } });
    expect(recalculated.payRun.totals!.gross).toEqual(eur('4200.00'));
    // The employee's payslips leave out the cancelled run's.
    const slips = await acme.gql<Pick<Query, 'employee'>>(payrollOperation('EmployeePayslips'), exampleVariables('EmployeePayslips', ids));
    expect(slips.data!.employee!.payslips!.map((p: { payRun: { id: string } }) => p.payRun.id)).toEqual([again.payRun.id, ids.payRunId]);
  });

  it('refuses to post without FINANCE in the subscription, saying so', async () => {
    await hireWithContract(beta, { firstName: 'Bruno', lastName: 'Costa', email: 'bruno@beta.example', hireDate: '2025-11-01', salary: '3000.00' });
    expect(await deliver(beta)).toMatchObject({ failed: 0, dead: 0 });
    const payRunId = await approvedPayRun(beta, beta.keys.approver, { periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-30' });
    const before = await payrollFootprint(beta.tenantDb);
    const res = await beta.gql<Pick<Mutation, 'postPayRun'>>(payrollOperation('PostPayRun'), { input: { payRunId } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.postPayRun.payRun).toBeNull();
    expect(res.data!.postPayRun.userErrors).toEqual([
      { field: ['input', 'payRunId'], message: expect.stringContaining('does not subscribe to FINANCE'), code: 'FINANCE_NOT_SUBSCRIBED' },
    ]);
    expect(await payrollFootprint(beta.tenantDb)).toEqual(before);
    ids.betaPayRunId = payRunId;
  });

  it('refuses amounts too large to store with AMOUNT_TOO_LARGE, writing nothing', async () => {
    const gamma = await createCompany(t, { name: 'Gamma Payroll', modules: ['EMPLOYEES', 'PAYROLL'] });
    try {
      // The largest salary a contract takes: employer cost is 1.2375 times that, beyond numeric(14,2).
      await hireWithContract(gamma, { firstName: 'Rich', lastName: 'Person', email: 'rich@gamma.example', hireDate: '2025-11-01', salary: '999999999999.99' });
      expect(await deliver(gamma)).toMatchObject({ failed: 0, dead: 0 });
      const run = await mutateOk(gamma, payrollOperation('CreatePayRun'), 'createPayRun', exampleVariables('CreatePayRun'));
      const before = await payrollFootprint(gamma.tenantDb);
      const res = await calculate(gamma, run.payRun.id);
      expect(res.errors).toBeUndefined();
      expect(res.data!.calculatePayRun.payRun).toBeNull();
      expect(res.data!.calculatePayRun.userErrors).toEqual([
        { field: ['input', 'payRunId'], message: expect.stringMatching(/^Employee EMP-\d+ would cost 1237499999999\.99 EUR/), code: 'AMOUNT_TOO_LARGE' },
      ]);

      const component = await gamma.gql<Pick<Mutation, 'updatePayrollSettings'>>(
        `mutation($input: UpdatePayrollSettingsInput!) { updatePayrollSettings(input: $input) { payrollSettings { currency } userErrors { field message code } } }`,
        { input: { payComponents: [{ code: 'BONUS', name: 'Bonus', kind: 'EARNING', amount: '1000000000000.00' }] } },
      );
      expect(component.errors).toBeUndefined();
      expect(component.data!.updatePayrollSettings.userErrors).toEqual([
        { field: ['input', 'payComponents', '0', 'amount'], message: expect.stringContaining('stays below'), code: 'AMOUNT_TOO_LARGE' },
      ]);
      expect(await payrollFootprint(gamma.tenantDb)).toEqual(before);
    } finally {
      await gamma.tenantDb.destroy();
    }
  });

  it('a key without PAYROLL gets MODULE_NOT_SUBSCRIBED, for queries and mutations alike', async () => {
    const employeesOnly = await issueKey(t, acme, ['EMPLOYEES', 'FINANCE']);
    const before = await payrollFootprint(acme.tenantDb);
    for (const [query, variables] of [
      [payrollOperation('PayRuns'), exampleVariables('PayRuns')],
      [payrollOperation('PayRun'), exampleVariables('PayRun', ids)],
      [payrollOperation('CreatePayRun'), exampleVariables('CreatePayRun')],
      [payrollOperation('PostPayRun'), exampleVariables('PostPayRun', ids)],
    ] as const) {
      const res = await employeesOnly.gql(query, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('MODULE_NOT_SUBSCRIBED');
      expect(res.data === null || Object.values(res.data ?? {}).every((v) => v === null)).toBe(true);
    }
    expect(await payrollFootprint(acme.tenantDb)).toEqual(before);
  });
});

describe('settings', () => {
  const settingsQuery = `{ payrollSettings { currency incomeTaxRate employeeContributionRate employerContributionRate
    accounts { salaryExpense employerContributionExpense netPayPayable incomeTaxPayable contributionsPayable }
    payComponents { code name kind amount { amount currency } accountCode } } }`;
  const update = `mutation($input: UpdatePayrollSettingsInput!) { updatePayrollSettings(input: $input) {
    payrollSettings { incomeTaxRate payComponents { code amount { amount } } } userErrors { field message code } } }`;

  it('start with defaults that fit finance’s default chart', async () => {
    const res = await beta.gql<Pick<Query, 'payrollSettings'>>(settingsQuery);
    expect(res.errors).toBeUndefined();
    expect(res.data!.payrollSettings).toEqual({
      currency: 'EUR',
      incomeTaxRate: '0.2',
      employeeContributionRate: '0.11',
      employerContributionRate: '0.2375',
      accounts: { salaryExpense: '6000', employerContributionExpense: '6100', netPayPayable: '2100', incomeTaxPayable: '2200', contributionsPayable: '2300' },
      payComponents: [],
    });
  });

  it('refuse an invalid change entirely, and apply a valid one to the next calculation', async () => {
    const before = await payrollFootprint(beta.tenantDb);
    const refused = await beta.gql<Pick<Mutation, 'updatePayrollSettings'>>(update, {
      input: { incomeTaxRate: '1.5', payComponents: [{ code: 'DUES', name: 'Union dues', kind: 'DEDUCTION', amount: '20.00' }] },
    });
    expect(refused.data!.updatePayrollSettings.payrollSettings).toBeNull();
    expect(refused.data!.updatePayrollSettings.userErrors.map((e: { code: string }) => e.code)).toEqual(['INVALID_RATE', 'ACCOUNT_REQUIRED']);
    expect(await payrollFootprint(beta.tenantDb)).toEqual(before);

    const saved = await mutateOk(beta, update, 'updatePayrollSettings', {
      input: { payComponents: [{ code: 'MEAL_ALLOWANCE', name: 'Meal allowance', kind: 'EARNING', amount: '150' }] },
    });
    expect(saved.payrollSettings).toEqual({ incomeTaxRate: '0.2', payComponents: [{ code: 'MEAL_ALLOWANCE', amount: { amount: '150.00' } }] });

    const run = await mutateOk(beta, payrollOperation('CreatePayRun'), 'createPayRun', {
      input: { periodStart: '2026-02-01', periodEnd: '2026-02-28', payDate: '2026-02-27' },
    });
    const calculated = await mutateOk(beta, payrollOperation('CalculatePayRun'), 'calculatePayRun', { input: { payRunId: run.payRun.id } });
    // 3000.00 + 150.00 = 3150.00; 0.11 → 346.50; 0.20 × 2803.50 = 560.70; 0.2375 × 3150 = 748.125 → 748.12 (half-even).
    expect(calculated.payRun.payslips[0]!.lines.map((l: { code: string; amount: { amount: string } }) => [l.code, l.amount.amount])).toEqual([
      ['BASE_SALARY', '3000.00'],
      ['MEAL_ALLOWANCE', '150.00'],
      ['EMPLOYEE_CONTRIBUTION', '346.50'],
      ['INCOME_TAX', '560.70'],
      ['EMPLOYER_CONTRIBUTION', '748.12'],
    ]);
    expect(calculated.payRun.totals).toEqual({ gross: eur('3150.00'), deductions: eur('907.20'), net: eur('2242.80'), employerCost: eur('3898.12') });
    await mutateOk(
      beta,
      `mutation($input: CancelPayRunInput!) { cancelPayRun(input: $input) { payRun { id } userErrors { field message code } } }`,
      'cancelPayRun',
      { input: { payRunId: run.payRun.id } },
    );
  });
});

describe('reads cost a fixed number of statements', () => {
  async function countStatements(query: string, variables?: Record<string, unknown>): Promise<number> {
    statements = [];
    counting = true;
    try {
      const res = await acme.gql(query, variables);
      expect(res.errors).toBeUndefined();
    } finally {
      counting = false;
    }
    return statements.length;
  }

  it('a page of runs with their payslips and lines: one statement per level, whatever the page holds', async () => {
    const page = `query($first: Int) { payRuns(first: $first) { edges { node { id totals { net { amount } } payslips { id payRun { id } lines { code amount { amount } } } } } } }`;
    // Runs, their payslips, the payslips' lines (payslip.payRun comes from the loader's cache).
    expect(await countStatements(page, { first: 20 })).toBe(3);
    expect(await countStatements(page, { first: 1 })).toBeLessThanOrEqual(3);
    expect(await countStatements(payrollOperation('EmployeePayslips'), exampleVariables('EmployeePayslips', ids))).toBe(2);
  });
});

describe('listing pay runs', () => {
  it('pages through every run, newest period first, and refuses a forged cursor', async () => {
    const seen: Array<{ id: string; periodStart: string }> = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const res: GraphQLResponse<Pick<Query, 'payRuns'>> = await acme.gql<Pick<Query, 'payRuns'>>(payrollOperation('PayRuns'), { first: 2, after });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data!.payRuns.edges.map((e: { node: { id: string; periodStart: string } }) => ({ id: e.node.id, periodStart: e.node.periodStart })));
      expect(res.data!.payRuns.totalCount).toBe(6);
      if (!res.data!.payRuns.pageInfo.hasNextPage) break;
      after = res.data!.payRuns.pageInfo.endCursor!;
    }
    const expected = await acme.tenantDb
      .selectFrom('payroll.pay_run')
      .select(['id', 'period_start'])
      .orderBy('period_start', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(seen).toEqual(expected.map((r) => ({ id: r.id, periodStart: r.period_start })));
    expect(seen.map((r) => r.periodStart)).toEqual(['2026-03-01', '2026-02-01', '2026-02-01', '2026-02-01', '2026-01-01', '2026-01-01']);

    const forged = Buffer.from(JSON.stringify(['not a date', ids.payRunId])).toString('base64url');
    const refused = await acme.gql<Pick<Query, 'payRuns'>>(payrollOperation('PayRuns'), { first: 2, after: forged });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('isolation between companies', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on PayRun { id status } ... on Payslip { id net { amount } } } }`;

  it("another company's ids find nothing through the gateway", async () => {
    const res = await beta.gql(`query($run: ID!, $slip: ID!) { payRun(id: $run) { id } payslip(id: $slip) { id } }`, {
      run: ids.payRunId,
      slip: ids.payslipId,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ payRun: null, payslip: null });
    const list = await beta.gql<Pick<Query, 'payRuns'>>(payrollOperation('PayRuns'), exampleVariables('PayRuns'));
    const own = await beta.tenantDb.selectFrom('payroll.pay_run').select('id').orderBy('period_start', 'desc').orderBy('id', 'desc').execute();
    expect(list.data!.payRuns.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(own.map((r) => r.id));
    expect(own.map((r) => r.id)).toContain(ids.betaPayRunId);
    expect(own.map((r) => r.id)).not.toContain(ids.payRunId);
  });

  it('_entities with a genuine context of company B answers null for A’s pay run and payslip', async () => {
    const representations = [
      { __typename: 'PayRun', id: ids.payRunId },
      { __typename: 'Payslip', id: ids.payslipId },
    ];
    // A's own context sees them, so the nulls below mean isolation, not a broken query.
    const own = await callSubgraph<Entities<unknown>>(t, 'payroll', acme, entities, { r: representations });
    expect(own.errors).toBeUndefined();
    expect(own.data!._entities).toEqual([
      { id: ids.payRunId, status: 'POSTED' },
      { id: ids.payslipId, net: { amount: '2604.54' } },
    ]);
    const other = await callSubgraph<Entities<unknown>>(t, 'payroll', beta, entities, { r: [representations[0]] });
    expect(other.errors).toBeUndefined();
    expect(other.data!._entities).toEqual([null]);
    const otherSlip = await callSubgraph<Entities<unknown>>(t, 'payroll', beta, entities, { r: [representations[1]] });
    expect(otherSlip.data!._entities).toEqual([null]);
  });
});

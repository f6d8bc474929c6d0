import { sql } from 'kysely';
import type { Payloads, Succeeded } from '../support/api';
import { createCompany, type GatewayCompany, type GatewayKey } from '../support/company';
import { contractOperation } from '../support/contract';
import { deliverEvents } from '../support/events';
import { hireWithContract, ledgerEntriesOfPayRun } from '../support/payroll-fixtures';
import { exampleVariables, startTestStack, type TestStack } from '../support/stack';

// Idempotency keys on the mutations that create business records or move
// money, through the gateway: twenty identical requests at once under one key
// leave exactly one effect (one row, one audit row, the events of one call, one
// ledger entry once finance has booked them) and all get the same payload; the
// key with another input is IDEMPOTENCY_KEY_REUSED and writes nothing.

let t: TestStack;
let acme: GatewayCompany<'approver'>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, {
    name: 'Acme Retries',
    modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'],
    keys: { approver: { modules: ['PAYROLL'] } },
  });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const deliver = async () => expect(await deliverEvents(t.database.config, t.database.db, acme.slug)).toMatchObject({ failed: 0, dead: 0 });
const assetsOp = (name: string) => contractOperation('assets.graphql', name);
const employeesOp = (name: string) => contractOperation('employees.graphql', name);
const payrollOp = (name: string) => contractOperation('payroll.graphql', name);
const CREATE_ROLE = `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id name description } userErrors { field message code } } }`;
const RUN_DEPRECIATION = `mutation($input: RunDepreciationInput!) {
  runDepreciation(input: $input) {
    period assetCount totals { amount currency } runs { id period assetCount total { amount currency } }
    userErrors { field message code }
  }
}`;

/** What one mutation left behind: its audit rows, the module's outbox, and the rows of the table it creates in. */
async function effects(module: string, operation: string, table: string) {
  const { rows } = await sql<{ audit: string; events: string; records: string }>`
    SELECT (SELECT count(*) FROM audit.audit_log WHERE operation = ${operation}) AS audit,
           (SELECT count(*) FROM ${sql.table(`${module.toLowerCase()}.outbox`)}) AS events,
           (SELECT count(*) FROM ${sql.table(table)}) AS records`.execute(acme.tenantDb);
  const row = rows[0]!;
  return { audit: Number(row.audit), events: Number(row.events), records: Number(row.records) };
}

/** Journal entries finance has booked from one module's events. */
async function ledgerEntriesFrom(module: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM finance.journal_entry WHERE source_module = ${module}`.execute(acme.tenantDb);
  return Number(rows[0]!.n);
}

/**
 * Sends the same request twenty times at once and expects every answer to be
 * the same success; returns that payload.
 */
async function twentyAtOnce<F extends keyof Payloads>(
  key: GatewayKey,
  query: string,
  field: F,
  input: Record<string, unknown>,
): Promise<Succeeded<Payloads[F]>> {
  const responses = await Promise.all(Array.from({ length: 20 }, () => key.gql<Record<F, Succeeded<Payloads[F]>>>(query, { input })));
  for (const res of responses) expect(res.errors).toBeUndefined();
  const payloads = responses.map((res) => res.data![field]);
  expect(payloads[0]!.userErrors).toEqual([]);
  expect(new Set(payloads.map((p) => JSON.stringify(p))).size).toBe(1);
  return payloads[0]!;
}

/** Under a used key, another input is refused with IDEMPOTENCY_KEY_REUSED and changes nothing. */
async function expectKeyReused(
  key: GatewayKey,
  query: string,
  field: keyof Payloads,
  input: Record<string, unknown>,
  module: string,
  operation: string,
  table: string,
) {
  const before = await effects(module, operation, table);
  const res = await key.gql<Record<string, { userErrors: Array<{ field: string[] | null; code: string }> }>>(query, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data![field]!.userErrors).toEqual([{ field: ['input', 'idempotencyKey'], message: expect.any(String), code: 'IDEMPOTENCY_KEY_REUSED' }]);
  expect(await effects(module, operation, table)).toEqual(before);
}

/** Runs `field` twenty times at once under `key` and checks it took effect once: `records` new rows, one audit row, `events` events. */
async function onceUnderKey<F extends keyof Payloads>(
  query: string,
  field: F,
  input: Record<string, unknown>,
  expected: { module: string; table: string; records: number; events: number },
  key: GatewayKey = acme,
): Promise<Succeeded<Payloads[F]>> {
  const before = await effects(expected.module, field, expected.table);
  const payload = await twentyAtOnce(key, query, field, input);
  const after = await effects(expected.module, field, expected.table);
  expect({ audit: after.audit - before.audit, events: after.events - before.events, records: after.records - before.records }).toEqual({
    audit: 1,
    events: expected.events,
    records: expected.records,
  });
  return payload;
}

describe('employees', () => {
  it('createDepartment, createPosition and createRole create one record per key', async () => {
    const department = await onceUnderKey(
      employeesOp('CreateDepartment'),
      'createDepartment',
      { name: 'Operations', idempotencyKey: 'dep-1' },
      { module: 'EMPLOYEES', table: 'employees.department', records: 1, events: 0 },
    );
    ids.departmentId = department.department.id;
    await expectKeyReused(
      acme,
      employeesOp('CreateDepartment'),
      'createDepartment',
      { name: 'Logistics', idempotencyKey: 'dep-1' },
      'EMPLOYEES',
      'createDepartment',
      'employees.department',
    );

    const position = await onceUnderKey(
      employeesOp('CreatePosition'),
      'createPosition',
      { title: 'Field Technician', departmentId: ids.departmentId, idempotencyKey: 'pos-1' },
      { module: 'EMPLOYEES', table: 'employees.position', records: 1, events: 0 },
    );
    ids.positionId = position.position.id;
    await expectKeyReused(
      acme,
      employeesOp('CreatePosition'),
      'createPosition',
      { title: 'Dispatcher', departmentId: ids.departmentId, idempotencyKey: 'pos-1' },
      'EMPLOYEES',
      'createPosition',
      'employees.position',
    );

    await onceUnderKey(
      CREATE_ROLE,
      'createRole',
      { name: 'Fire Warden', description: 'Leads evacuations', idempotencyKey: 'role-1' },
      { module: 'EMPLOYEES', table: 'employees.role', records: 1, events: 0 },
    );
    await expectKeyReused(acme, CREATE_ROLE, 'createRole', { name: 'First Aider', idempotencyKey: 'role-1' }, 'EMPLOYEES', 'createRole', 'employees.role');
  });

  it('hireEmployee hires once (one number taken, one EmployeeHired) and signContract signs once', async () => {
    const input = { ...exampleVariables('HireEmployee', ids).input, idempotencyKey: 'hire-ana' };
    const hired = await onceUnderKey(employeesOp('HireEmployee'), 'hireEmployee', input, {
      module: 'EMPLOYEES',
      table: 'employees.employee',
      records: 1,
      events: 1,
    });
    ids.employeeId = hired.employee.id;
    await expectKeyReused(
      acme,
      employeesOp('HireEmployee'),
      'hireEmployee',
      { ...input, firstName: 'Anna' },
      'EMPLOYEES',
      'hireEmployee',
      'employees.employee',
    );

    const contract = { ...exampleVariables('SignContract', ids).input, idempotencyKey: 'contract-ana' };
    await onceUnderKey(employeesOp('SignContract'), 'signContract', contract, { module: 'EMPLOYEES', table: 'employees.contract', records: 1, events: 1 });
    await expectKeyReused(
      acme,
      employeesOp('SignContract'),
      'signContract',
      { ...contract, baseSalary: { amount: '4300.00', currency: 'EUR' } },
      'EMPLOYEES',
      'signContract',
      'employees.contract',
    );
  });

  it('refuses a key that is empty or longer than 200 characters, and a failed request leaves its key unused', async () => {
    for (const idempotencyKey of ['', 'k'.repeat(201)]) {
      const res = await acme.gql<Record<'createRole', { userErrors: Array<{ code: string }> }>>(CREATE_ROLE, { input: { name: 'Keyless', idempotencyKey } });
      expect(res.data!.createRole.userErrors).toEqual([{ field: ['input', 'idempotencyKey'], message: expect.any(String), code: 'INVALID_IDEMPOTENCY_KEY' }]);
    }
    // The name is taken: refused, so the key stays free for a request that can succeed.
    const refused = await acme.gql<Record<'createRole', { userErrors: Array<{ code: string }> }>>(CREATE_ROLE, {
      input: { name: 'Fire Warden', idempotencyKey: 'role-2' },
    });
    expect(refused.data!.createRole.userErrors.map((e) => e.code)).toEqual(['NAME_TAKEN']);
    await onceUnderKey(
      CREATE_ROLE,
      'createRole',
      { name: 'Night Warden', idempotencyKey: 'role-2' },
      { module: 'EMPLOYEES', table: 'employees.role', records: 1, events: 0 },
    );
  });
});

describe('assets', () => {
  const registration = { ...exampleVariables('RegisterAsset').input, idempotencyKey: 'asset-lap-1' };

  it('registerAsset registers once and finance books one acquisition entry', async () => {
    const ledgerBefore = await ledgerEntriesFrom('assets');
    const registered = await onceUnderKey(assetsOp('RegisterAsset'), 'registerAsset', registration, {
      module: 'ASSETS',
      table: 'assets.asset',
      records: 1,
      events: 1,
    });
    ids.assetId = registered.asset.id;
    await deliver();
    expect(await ledgerEntriesFrom('assets')).toBe(ledgerBefore + 1);
    await expectKeyReused(acme, assetsOp('RegisterAsset'), 'registerAsset', { ...registration, tag: 'LAP-0002' }, 'ASSETS', 'registerAsset', 'assets.asset');
  });

  it('compares amounts as numbers: 1500 is the same request as 1500.00', async () => {
    const before = await effects('ASSETS', 'registerAsset', 'assets.asset');
    const again = await acme.gql<Record<'registerAsset', { asset: { id: string } | null }>>(assetsOp('RegisterAsset'), {
      input: { ...registration, acquisitionCost: { amount: '1500', currency: 'EUR' } },
    });
    expect(again.data!.registerAsset.asset!.id).toBe(ids.assetId);
    expect(await effects('ASSETS', 'registerAsset', 'assets.asset')).toEqual(before);
  });

  it('scheduleMaintenance opens one job', async () => {
    const input = { ...exampleVariables('ScheduleMaintenance', ids).input, idempotencyKey: 'maint-1' };
    const scheduled = await onceUnderKey(assetsOp('ScheduleMaintenance'), 'scheduleMaintenance', input, {
      module: 'ASSETS',
      table: 'assets.maintenance',
      records: 1,
      events: 0,
    });
    await expectKeyReused(
      acme,
      assetsOp('ScheduleMaintenance'),
      'scheduleMaintenance',
      { ...input, description: 'Screen check' },
      'ASSETS',
      'scheduleMaintenance',
      'assets.maintenance',
    );
    const maintenanceId = scheduled.maintenance.id;
    const done = await acme.gql<Record<'completeMaintenance', { userErrors: unknown[] }>>(assetsOp('CompleteMaintenance'), {
      input: { ...exampleVariables('CompleteMaintenance', { ...ids, maintenanceId }).input },
    });
    expect(done.data!.completeMaintenance.userErrors).toEqual([]);
  });

  it('runDepreciation posts a month once: one run, one AssetDepreciated, one entry, the same figures for every retry', async () => {
    const ledgerBefore = await ledgerEntriesFrom('assets');
    const run = await onceUnderKey(
      RUN_DEPRECIATION,
      'runDepreciation',
      { period: '2026-02', idempotencyKey: 'dep-2026-02' },
      {
        module: 'ASSETS',
        table: 'assets.depreciation_run',
        records: 1,
        events: 1,
      },
    );
    expect(run).toMatchObject({ period: '2026-02', assetCount: 1, runs: [{ period: '2026-02', assetCount: 1 }] });
    await deliver();
    expect(await ledgerEntriesFrom('assets')).toBe(ledgerBefore + 1);
    await expectKeyReused(
      acme,
      RUN_DEPRECIATION,
      'runDepreciation',
      { period: '2026-03', idempotencyKey: 'dep-2026-02' },
      'ASSETS',
      'runDepreciation',
      'assets.depreciation_run',
    );
  });

  it('disposeAsset disposes once: every retry gets the disposed asset, not ASSET_DISPOSED', async () => {
    const ledgerBefore = await ledgerEntriesFrom('assets');
    const input = { ...exampleVariables('DisposeAsset', ids).input, idempotencyKey: 'dispose-lap-1' };
    const disposed = await onceUnderKey(assetsOp('DisposeAsset'), 'disposeAsset', input, { module: 'ASSETS', table: 'assets.asset', records: 0, events: 1 });
    expect(disposed.asset.status).toBe('DISPOSED');
    await deliver();
    expect(await ledgerEntriesFrom('assets')).toBe(ledgerBefore + 1);
    await expectKeyReused(
      acme,
      assetsOp('DisposeAsset'),
      'disposeAsset',
      { ...input, proceeds: { amount: '250.00', currency: 'EUR' } },
      'ASSETS',
      'disposeAsset',
      'assets.asset',
    );
  });
});

describe('payroll', () => {
  it('createPayRun, calculatePayRun and postPayRun each act once; finance books one entry', async () => {
    await hireWithContract(acme, { firstName: 'Rui', lastName: 'Costa', email: 'rui.costa@acme.example', hireDate: '2026-02-01', salary: '3000.00' });
    await deliver();
    const period = { periodStart: '2026-03-01', periodEnd: '2026-03-31', payDate: '2026-03-31' };
    const created = await onceUnderKey(
      payrollOp('CreatePayRun'),
      'createPayRun',
      { ...period, idempotencyKey: 'run-2026-03' },
      { module: 'PAYROLL', table: 'payroll.pay_run', records: 1, events: 1 },
    );
    const payRunId = created.payRun.id;
    await expectKeyReused(
      acme,
      payrollOp('CreatePayRun'),
      'createPayRun',
      { ...period, payDate: '2026-03-30', idempotencyKey: 'run-2026-03' },
      'PAYROLL',
      'createPayRun',
      'payroll.pay_run',
    );

    const calculated = await onceUnderKey(
      payrollOp('CalculatePayRun'),
      'calculatePayRun',
      { payRunId, idempotencyKey: 'calc-2026-03' },
      { module: 'PAYROLL', table: 'payroll.payslip', records: 2, events: 1 },
    );
    expect(calculated.payRun.status).toBe('CALCULATED');
    await expectKeyReused(
      acme,
      payrollOp('CalculatePayRun'),
      'calculatePayRun',
      { payRunId: ids.employeeId, idempotencyKey: 'calc-2026-03' },
      'PAYROLL',
      'calculatePayRun',
      'payroll.payslip',
    );

    const approved = await acme.keys.approver.gql<Record<'approvePayRun', { userErrors: unknown[] }>>(payrollOp('ApprovePayRun'), { input: { payRunId } });
    expect(approved.data!.approvePayRun.userErrors).toEqual([]);
    const posted = await onceUnderKey(
      payrollOp('PostPayRun'),
      'postPayRun',
      { payRunId, idempotencyKey: 'post-2026-03' },
      { module: 'PAYROLL', table: 'payroll.pay_run', records: 0, events: 1 },
    );
    expect(posted.payRun.status).toBe('POSTED');
    await deliver();
    expect(await ledgerEntriesOfPayRun(acme.tenantDb, payRunId)).toHaveLength(1);
  });
});

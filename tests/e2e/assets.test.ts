import { sql } from 'kysely';
import { todayUtc } from '../../platform/dates';
import { bookValueAsOf } from '../../subgraphs/assets/domain/depreciation';
import type { Mutation, Query } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { assetsFootprint, hireEmployee, runContract } from '../support/assets-e2e';
import { deliverEvents } from '../support/events';
import { exampleVariables, graphql, startTestStack, type TestStack } from '../support/stack';

let t: TestStack;
let acme: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Industrial', modules: ['ASSETS', 'EMPLOYEES'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

/** What the contract operations this file runs return, by operation name. */
type Operations = {
  RegisterAsset: Pick<Mutation, 'registerAsset'>;
  AssignAsset: Pick<Mutation, 'assignAsset'>;
  ReturnAsset: Pick<Mutation, 'returnAsset'>;
  ScheduleMaintenance: Pick<Mutation, 'scheduleMaintenance'>;
  CompleteMaintenance: Pick<Mutation, 'completeMaintenance'>;
  DisposeAsset: Pick<Mutation, 'disposeAsset'>;
  Assets: Pick<Query, 'assets'>;
  Asset: Pick<Query, 'asset'>;
  EmployeeAssets: Pick<Query, 'employee'>;
  CreateDepartment: Pick<Mutation, 'createDepartment'>;
  CreatePosition: Pick<Mutation, 'createPosition'>;
  HireEmployee: Pick<Mutation, 'hireEmployee'>;
  TerminateEmployee: Pick<Mutation, 'terminateEmployee'>;
};

const assets = <Op extends keyof Operations>(name: Op, variables: Record<string, unknown>, token = acme.secret) =>
  runContract<Operations[Op]>(t, 'assets.graphql', name, variables, token);
const employees = <Op extends keyof Operations>(name: Op, variables: Record<string, unknown>) =>
  runContract<Operations[Op]>(t, 'employees.graphql', name, variables, acme.secret);

/** Registers an asset like the contract example, with another tag. */
async function registerAsset(tag: string, change: Record<string, unknown> = {}): Promise<string> {
  const example = exampleVariables('RegisterAsset');
  const res = await assets('RegisterAsset', { input: { ...example.input, tag, ...change } });
  expect(res.data?.registerAsset.userErrors).toEqual([]);
  return res.data!.registerAsset.asset!.id;
}

const laptopTerms = { acquisitionDate: '2026-01-10', cost: '1500.00', salvage: '300.00', usefulLifeMonths: 36, method: 'STRAIGHT_LINE' as const };

describe('the assets contract through the gateway', () => {
  it('runs every operation of assets.graphql with the example variables', async () => {
    // Organisation and employee through the employees subgraph; assets learns of her from its events.
    const department = await employees('CreateDepartment', exampleVariables('CreateDepartment'));
    const departmentId = department.data!.createDepartment.department!.id;
    const position = await employees('CreatePosition', exampleVariables('CreatePosition', { departmentId }));
    const positionId = position.data!.createPosition.position!.id;
    const hired = await employees('HireEmployee', exampleVariables('HireEmployee', { departmentId, positionId }));
    const employeeId = hired.data!.hireEmployee.employee!.id;
    await deliverEvents(t.database.config, t.database.db, acme.slug);

    const registered = await assets('RegisterAsset', exampleVariables('RegisterAsset'));
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerAsset.userErrors).toEqual([]);
    const asset = registered.data!.registerAsset.asset!;
    expect(asset).toEqual({
      id: expect.any(String),
      tag: 'LAP-0001',
      name: 'Laptop 14in',
      category: 'IT equipment',
      status: 'IN_STOCK',
      serialNumber: 'SN-77-1234',
      acquisitionDate: '2026-01-10',
      acquisitionCost: { amount: '1500.00', currency: 'EUR' },
      usefulLifeMonths: 36,
      salvageValue: { amount: '300.00', currency: 'EUR' },
      depreciationMethod: 'STRAIGHT_LINE',
      // Without asOf the book value is today's; the figures themselves are checked by hand in the unit tests.
      bookValue: { amount: bookValueAsOf(laptopTerms, todayUtc()), currency: 'EUR' },
    });
    const ids = { assetId: asset.id, employeeId };

    const assigned = await assets('AssignAsset', exampleVariables('AssignAsset', ids));
    expect(assigned.data!.assignAsset).toEqual({
      asset: { id: asset.id, status: 'ASSIGNED', holder: { id: employeeId, fullName: 'Ana Silva' } },
      userErrors: [],
    });

    const listed = await assets('Assets', exampleVariables('Assets'));
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.assets.totalCount).toBe(1);
    expect(listed.data!.assets.edges[0]!.node).toEqual({
      id: asset.id,
      tag: 'LAP-0001',
      name: 'Laptop 14in',
      status: 'ASSIGNED',
      holder: { id: employeeId, fullName: 'Ana Silva' },
      bookValue: asset.bookValue,
    });
    expect(listed.data!.assets.pageInfo).toEqual({ hasNextPage: false, endCursor: listed.data!.assets.edges[0]!.cursor });

    const scheduled = await assets('ScheduleMaintenance', exampleVariables('ScheduleMaintenance', ids));
    expect(scheduled.data!.scheduleMaintenance.userErrors).toEqual([]);
    const maintenance = scheduled.data!.scheduleMaintenance.maintenance!;
    expect(maintenance).toEqual({ id: expect.any(String), status: 'SCHEDULED', scheduledFor: '2026-03-01', description: 'Battery check' });
    const inMaintenance = await assets('Asset', { id: asset.id });
    expect(inMaintenance.data!.asset!.status).toBe('IN_MAINTENANCE');

    const completed = await assets('CompleteMaintenance', exampleVariables('CompleteMaintenance', { maintenanceId: maintenance.id }));
    expect(completed.data!.completeMaintenance).toEqual({
      maintenance: { id: maintenance.id, status: 'COMPLETED', completedAt: '2026-03-02', cost: { amount: '80.00', currency: 'EUR' } },
      userErrors: [],
    });

    // The holder kept the laptop through its maintenance.
    const holding = await assets('EmployeeAssets', exampleVariables('EmployeeAssets', ids));
    expect(holding.errors).toBeUndefined();
    expect(holding.data!.employee).toEqual({ id: employeeId, fullName: 'Ana Silva', assets: [{ id: asset.id, tag: 'LAP-0001', name: 'Laptop 14in' }] });

    const returned = await assets('ReturnAsset', exampleVariables('ReturnAsset', ids));
    expect(returned.data!.returnAsset).toEqual({ asset: { id: asset.id, status: 'IN_STOCK', holder: null }, userErrors: [] });

    const disposed = await assets('DisposeAsset', exampleVariables('DisposeAsset', ids));
    expect(disposed.data!.disposeAsset).toEqual({ asset: { id: asset.id, status: 'DISPOSED' }, userErrors: [] });

    const history = await assets('Asset', exampleVariables('Asset', ids));
    expect(history.errors).toBeUndefined();
    expect(history.data!.asset).toEqual({
      id: asset.id,
      tag: 'LAP-0001',
      name: 'Laptop 14in',
      status: 'DISPOSED',
      // Off the books since 2026-09-30.
      bookValue: { amount: '0.00', currency: 'EUR' },
      assignments: [{ employee: { id: employeeId, fullName: 'Ana Silva' }, assignedAt: '2026-01-12', returnedAt: '2026-05-01' }],
      maintenance: [{ id: maintenance.id, status: 'COMPLETED', scheduledFor: '2026-03-01', completedAt: '2026-03-02' }],
    });

    // Jan–Sep booked: 9 × 33.33 = 299.97, book value 1200.03; 200.00 − 1200.03 = −1000.03. Jan–Jun: 1500 − 6 × 33.33.
    const disposal = await graphql<Pick<Query, 'asset'>>(
      t.gatewayUrl,
      'query($id: ID!) { asset(id: $id) { bookValue(asOf: "2026-06-30") { amount } holderActive disposal { date proceeds { amount currency } bookValueAtDisposal { amount } gainOrLoss { amount } } } }',
      { id: asset.id },
      { token: acme.secret },
    );
    expect(disposal.data!.asset).toEqual({
      bookValue: { amount: '1300.02' },
      holderActive: null,
      disposal: {
        date: '2026-09-30',
        proceeds: { amount: '200.00', currency: 'EUR' },
        bookValueAtDisposal: { amount: '1200.03' },
        gainOrLoss: { amount: '-1000.03' },
      },
    });

    // Each change told the other modules, in order, through the outbox.
    const events = await acme.tenantDb
      .selectFrom('assets.outbox')
      .select(['event_type', 'payload'])
      .where('aggregate_id', '=', asset.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.event_type)).toEqual(['AssetRegistered', 'AssetAssigned', 'MaintenanceCompleted', 'AssetReturned', 'AssetDisposed']);
    expect(events[1]!.payload).toEqual({ assetId: asset.id, employeeId, date: '2026-01-12' });
    expect(events[4]!.payload).toEqual({
      assetId: asset.id,
      date: '2026-09-30',
      proceeds: { amount: '200.00', currency: 'EUR' },
      bookValue: { amount: '1200.03', currency: 'EUR' },
      gainOrLoss: { amount: '-1000.03', currency: 'EUR' },
      // No depreciation run posted Jan–Sep, so the disposal catches it up; the entry balances at 1500.00.
      posting: {
        reference: `asset:${asset.id}:disposal`,
        date: '2026-09-30',
        memo: 'Disposal of asset LAP-0001',
        currency: 'EUR',
        lines: [
          { accountCode: '6500', debit: '299.97', description: 'Depreciation of LAP-0001 up to its disposal, not posted before' },
          { accountCode: '1100', debit: '200.00', description: 'Proceeds from the disposal of LAP-0001' },
          { accountCode: '6900', debit: '1000.03', description: 'Loss on the disposal of LAP-0001' },
          { accountCode: '1500', credit: '1500.00', description: 'LAP-0001 removed at cost' },
        ],
      },
    });
    const audited = await acme.tenantDb.selectFrom('audit.audit_log').select('operation').where('module', '=', 'ASSETS').orderBy('id').execute();
    expect(audited.map((a) => a.operation)).toEqual([
      'registerAsset',
      'assignAsset',
      'scheduleMaintenance',
      'completeMaintenance',
      'returnAsset',
      'disposeAsset',
    ]);
  });

  it('keeps the assets of a terminated employee assigned, shown as held by an inactive employee', async () => {
    const employeeId = await hireEmployee(t, acme, 'Rui', 'Costa');
    const assetId = await registerAsset('PHN-0001', { name: 'Phone', category: 'Phones' });
    await assets('AssignAsset', { input: { assetId, employeeId, date: '2026-02-01' } });
    const terminated = await employees('TerminateEmployee', { input: { employeeId, date: '2026-06-30' } });
    expect(terminated.data!.terminateEmployee.userErrors).toEqual([]);
    await deliverEvents(t.database.config, t.database.db, acme.slug);

    const res = await graphql<Pick<Query, 'asset'>>(
      t.gatewayUrl,
      'query($id: ID!) { asset(id: $id) { status holder { id fullName } holderActive holderStatus } }',
      { id: assetId },
      { token: acme.secret },
    );
    expect(res.data!.asset).toEqual({ status: 'ASSIGNED', holder: { id: employeeId, fullName: 'Rui Costa' }, holderActive: false, holderStatus: 'TERMINATED' });
  });
});

describe('refused changes', () => {
  let activeId: string;
  let terminatedId: string;
  let disposedId: string;
  let maintainedId: string;

  beforeAll(async () => {
    activeId = await hireEmployee(t, acme, 'Eva', 'Lopes');
    terminatedId = await hireEmployee(t, acme, 'Tiago', 'Mendes');
    await employees('TerminateEmployee', { input: { employeeId: terminatedId, date: '2026-03-31' } });
    await deliverEvents(t.database.config, t.database.db, acme.slug);
    disposedId = await registerAsset('OLD-0001');
    await assets('DisposeAsset', { input: { assetId: disposedId, date: '2026-02-01', proceeds: { amount: '0.00', currency: 'EUR' } } });
    maintainedId = await registerAsset('MNT-0001');
    await assets('ScheduleMaintenance', { input: { assetId: maintainedId, scheduledFor: '2026-04-01', description: 'Screen repair' } });
  });

  const register = (change: Record<string, unknown>) => ({ input: { ...exampleVariables('RegisterAsset').input, tag: 'NEW-0001', ...change } });
  const cases: Array<[string, keyof Operations, () => unknown, string[], string]> = [
    [
      'assigning a disposed asset',
      'AssignAsset',
      () => ({ input: { assetId: disposedId, employeeId: activeId, date: '2026-05-01' } }),
      ['input', 'assetId'],
      'ASSET_DISPOSED',
    ],
    [
      'assigning an asset in maintenance',
      'AssignAsset',
      () => ({ input: { assetId: maintainedId, employeeId: activeId, date: '2026-05-01' } }),
      ['input', 'assetId'],
      'ASSET_IN_MAINTENANCE',
    ],
    [
      'assigning to a terminated employee',
      'AssignAsset',
      () => ({ input: { assetId: 'placeholder', employeeId: terminatedId, date: '2026-05-01' } }),
      ['input', 'employeeId'],
      'EMPLOYEE_NOT_ACTIVE',
    ],
    [
      'assigning to an unknown employee',
      'AssignAsset',
      () => ({ input: { assetId: 'placeholder', employeeId: '00000000-0000-4000-8000-000000000000', date: '2026-05-01' } }),
      ['input', 'employeeId'],
      'EMPLOYEE_NOT_FOUND',
    ],
    [
      'assigning before acquisition',
      'AssignAsset',
      () => ({ input: { assetId: 'placeholder', employeeId: activeId, date: '2025-12-31' } }),
      ['input', 'date'],
      'INVALID_DATE',
    ],
    [
      'returning an asset nobody holds',
      'ReturnAsset',
      () => ({ input: { assetId: 'placeholder', date: '2026-05-01' } }),
      ['input', 'assetId'],
      'ASSET_NOT_ASSIGNED',
    ],
    [
      'assigning an unknown asset',
      'AssignAsset',
      () => ({ input: { assetId: 'no-such-asset', employeeId: activeId, date: '2026-05-01' } }),
      ['input', 'assetId'],
      'NOT_FOUND',
    ],
    [
      'a negative cost',
      'RegisterAsset',
      () => register({ acquisitionCost: { amount: '-1500.00', currency: 'EUR' } }),
      ['input', 'acquisitionCost', 'amount'],
      'INVALID_AMOUNT',
    ],
    [
      'a cost with three decimals',
      'RegisterAsset',
      () => register({ acquisitionCost: { amount: '1500.001', currency: 'EUR' } }),
      ['input', 'acquisitionCost', 'amount'],
      'INVALID_AMOUNT',
    ],
    [
      'salvage above cost',
      'RegisterAsset',
      () => register({ salvageValue: { amount: '1600.00', currency: 'EUR' } }),
      ['input', 'salvageValue', 'amount'],
      'SALVAGE_ABOVE_COST',
    ],
    [
      'salvage in another currency',
      'RegisterAsset',
      () => register({ salvageValue: { amount: '300.00', currency: 'USD' } }),
      ['input', 'salvageValue', 'currency'],
      'CURRENCY_MISMATCH',
    ],
    ['a zero useful life', 'RegisterAsset', () => register({ usefulLifeMonths: 0 }), ['input', 'usefulLifeMonths'], 'INVALID_USEFUL_LIFE'],
    ['a duplicate tag (any case)', 'RegisterAsset', () => register({ tag: 'mnt-0001', category: 'A category nobody used yet' }), ['input', 'tag'], 'TAG_TAKEN'],
    [
      'disposing before acquisition',
      'DisposeAsset',
      () => ({ input: { assetId: 'placeholder', date: '2025-01-01', proceeds: { amount: '1.00', currency: 'EUR' } } }),
      ['input', 'date'],
      'INVALID_DATE',
    ],
    [
      'disposing for another currency',
      'DisposeAsset',
      () => ({ input: { assetId: 'placeholder', date: '2026-05-01', proceeds: { amount: '1.00', currency: 'USD' } } }),
      ['input', 'proceeds', 'currency'],
      'CURRENCY_MISMATCH',
    ],
    [
      'maintaining a disposed asset',
      'ScheduleMaintenance',
      () => ({ input: { assetId: disposedId, scheduledFor: '2026-05-01', description: 'Check' } }),
      ['input', 'assetId'],
      'ASSET_DISPOSED',
    ],
  ];

  let stocked = 0;
  it.each(cases)('refuses %s with a field and a code, writing nothing', async (_name, operation, variables, field, code) => {
    stocked += 1;
    const inStock = await registerAsset(`STK-${stocked}`);
    const vars = JSON.parse(JSON.stringify(variables()).replace('"placeholder"', JSON.stringify(inStock)));
    const before = await assetsFootprint(acme.tenantDb);
    const res = await assets(operation, vars);
    expect(res.errors).toBeUndefined();
    const payload = Object.values(res.data!)[0] as { userErrors: unknown[] } & Record<string, unknown>;
    expect(payload.userErrors).toEqual([{ field, message: expect.any(String), code }]);
    expect(Object.entries(payload).filter(([k, v]) => k !== 'userErrors' && v !== null)).toEqual([]);
    expect(await assetsFootprint(acme.tenantDb)).toEqual(before);
  });

  it('refuses a second open assignment at the database, whatever the code does', async () => {
    const assetId = await registerAsset('DBX-0001');
    await assets('AssignAsset', { input: { assetId, employeeId: activeId, date: '2026-02-01' } });
    await expect(
      sql`INSERT INTO assets.assignment (asset_id, employee_id, assigned_on) VALUES (${assetId}, ${activeId}, '2026-03-01')`.execute(acme.tenantDb),
    ).rejects.toMatchObject({ code: '23505', constraint: 'assignment_one_open_per_asset' });
    const again = await assets('AssignAsset', { input: { assetId, employeeId: activeId, date: '2026-03-01' } });
    expect(again.data!.assignAsset.userErrors).toEqual([{ field: ['input', 'assetId'], message: expect.any(String), code: 'ASSET_ALREADY_ASSIGNED' }]);
  });

  it('lets only one of two simultaneous assignments of an asset through', async () => {
    const assetId = await registerAsset('RACE-0001');
    const results = await Promise.all(['2026-02-01', '2026-02-02'].map((date) => assets('AssignAsset', { input: { assetId, employeeId: activeId, date } })));
    const errors = results.map((r) => r.data!.assignAsset.userErrors.map((e) => e.code));
    expect(errors.sort()).toEqual([[], ['ASSET_ALREADY_ASSIGNED']]);
    const open = await acme.tenantDb.selectFrom('assets.assignment').select('id').where('asset_id', '=', assetId).execute();
    expect(open).toHaveLength(1);
  });

  it('refuses a return dated before the assignment and completing a maintenance twice', async () => {
    const assetId = await registerAsset('RET-0001');
    await assets('AssignAsset', { input: { assetId, employeeId: activeId, date: '2026-03-01' } });
    const early = await assets('ReturnAsset', { input: { assetId, date: '2026-02-28' } });
    expect(early.data!.returnAsset.userErrors).toEqual([{ field: ['input', 'date'], message: expect.any(String), code: 'INVALID_DATE' }]);

    const scheduled = await assets('ScheduleMaintenance', { input: { assetId, scheduledFor: '2026-04-01', description: 'Keyboard' } });
    const maintenanceId = scheduled.data!.scheduleMaintenance.maintenance!.id;
    const cost = { amount: '10.00', currency: 'EUR' };
    expect((await assets('CompleteMaintenance', { input: { maintenanceId, completedAt: '2026-04-02', cost } })).data!.completeMaintenance.userErrors).toEqual(
      [],
    );
    const twice = await assets('CompleteMaintenance', { input: { maintenanceId, completedAt: '2026-04-03', cost } });
    expect(twice.data!.completeMaintenance.userErrors).toEqual([
      { field: ['input', 'maintenanceId'], message: expect.any(String), code: 'MAINTENANCE_COMPLETED' },
    ]);
  });
});

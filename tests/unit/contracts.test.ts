import { randomUUID } from 'node:crypto';
import type { DeliveredEvent, EventConsumer } from '../../platform/outbox';
import { loadConsumers } from '../../platform/subgraphs';
import { acquisitionPosting, depreciationPosting, disposalPosting } from '../../subgraphs/assets/domain/postings';
import { AssetDepreciated, AssetDisposed, AssetRegistered } from '../../subgraphs/contracts/assets';
import { ContractSigned, EmployeeHired, EmployeeStatusChanged, EmployeeTerminated } from '../../subgraphs/contracts/employees';
import { buildEvent, ContractBreachError } from '../../subgraphs/contracts/event';
import { JournalEntryPosted } from '../../subgraphs/contracts/finance';
import { PayRunPosted } from '../../subgraphs/contracts/payroll';
import { LedgerPosting, postingTotals } from '../../subgraphs/contracts/posting';
import { journalEntryPosted } from '../../subgraphs/finance/events';
import { parsePosting } from '../../subgraphs/finance/services/postings';
import type { JournalEntryRow } from '../../subgraphs/finance/store/db';
import { payRunPostingLines } from '../../subgraphs/payroll/domain/posting';
import { payRunPosted } from '../../subgraphs/payroll/events';

/*
 * Publishers build their payloads from the contracts and consumers parse with
 * the same schemas: what one side builds, the other reads; what no publisher
 * may build, no consumer accepts.
 */

const accounts = {
  fixedAssets: '1500',
  accumulatedDepreciation: '1590',
  acquisitionCredit: '2000',
  depreciationExpense: '6500',
  disposalProceeds: '1100',
  gainOnDisposal: '4900',
  lossOnDisposal: '6900',
};
const asset = { id: randomUUID(), tag: 'LAP-0001', currency: 'EUR', acquisitionDate: '2026-01-10', cost: '1500.00' };
const eur = (amount: string) => ({ amount, currency: 'EUR' });

/** The event as the relay hands it to a consumer. */
const delivered = (event: { type: string; aggregateType: string; aggregateId: string; payload: object }, source: DeliveredEvent['source']): DeliveredEvent => ({
  ...event,
  payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>,
  id: randomUUID(),
  source,
  occurredAt: new Date(),
  requestId: null,
});

describe('what a publisher builds, its consumer reads', () => {
  it("payroll's PayRunPosted carries a posting finance reads to the line", () => {
    const lines = payRunPostingLines(
      {
        currency: 'EUR',
        incomeTaxRate: '0.2',
        employeeContributionRate: '0.11',
        employerContributionRate: '0.2375',
        accounts: { salaryExpense: '6000', employerContributionExpense: '6100', netPayPayable: '2100', incomeTaxPayable: '2200', contributionsPayable: '2300' },
        components: [],
      },
      [
        { kind: 'EARNING', code: 'BASE_SALARY', amount: '4200.00' },
        { kind: 'DEDUCTION', code: 'EMPLOYEE_CONTRIBUTION', amount: '462.00' },
        { kind: 'TAX', code: 'INCOME_TAX', amount: '840.00' },
        { kind: 'EMPLOYER_CONTRIBUTION', code: 'EMPLOYER_CONTRIBUTION', amount: '997.50' },
      ],
    );
    const run = { id: randomUUID(), period_start: '2026-01-01', period_end: '2026-01-31', pay_date: '2026-01-30' };
    const event = payRunPosted(run, lines);
    const posting = parsePosting(delivered(event, 'PAYROLL'));
    expect(posting).toEqual({ reference: run.id, date: '2026-01-30', memo: 'Payroll 2026-01-01–2026-01-31', lines });
    expect(postingTotals(posting!.lines)).toEqual({ debit: '5197.50', credit: '5197.50' });
  });

  it("the asset register's acquisitions, depreciation runs and disposals carry postings finance reads", () => {
    const acquisition = acquisitionPosting(accounts, asset);
    const registered = buildEvent(AssetRegistered, {
      assetId: asset.id,
      tag: asset.tag,
      name: 'Laptop',
      category: 'IT',
      acquisitionDate: asset.acquisitionDate,
      acquisitionCost: eur('1500.00'),
      salvageValue: eur('300.00'),
      usefulLifeMonths: 36,
      depreciationMethod: 'STRAIGHT_LINE',
      posting: acquisition,
    });
    expect(parsePosting(delivered(registered, 'ASSETS'))).toEqual(acquisition);

    const runId = randomUUID();
    const run = depreciationPosting(accounts, { id: runId, period: '2026-02', periodEnd: '2026-02-28', currency: 'EUR', assetCount: 1, total: '33.33' })!;
    const depreciated = buildEvent(AssetDepreciated, { runId, period: '2026-02', periodEnd: '2026-02-28', assetCount: 1, total: eur('33.33'), posting: run });
    expect(depreciated.aggregateId).toBe(runId);
    expect(parsePosting(delivered(depreciated, 'ASSETS'))).toEqual(run);

    const disposal = disposalPosting(accounts, { asset, date: '2026-03-31', proceeds: '1000.00', scheduleAccumulated: '66.66', postedAccumulated: '33.33' });
    const disposed = buildEvent(AssetDisposed, {
      assetId: asset.id,
      date: '2026-03-31',
      proceeds: eur('1000.00'),
      bookValue: eur('1433.34'),
      gainOrLoss: eur('-433.34'),
      posting: disposal,
    });
    expect(parsePosting(delivered(disposed, 'ASSETS'))).toEqual(disposal);
    // Dr 33.33 catch-up + 33.33 accumulated + 1000.00 proceeds + 433.34 loss = Cr 1500.00 at cost.
    expect(postingTotals(disposal!.lines)).toEqual({ debit: '1500.00', credit: '1500.00' });
  });

  it("finance's JournalEntryPosted tells payroll which entry its run became", () => {
    const entry = {
      id: randomUUID(),
      number: 'JE-2026-000007',
      entry_date: '2026-01-30',
      source_module: 'payroll',
      source_reference: randomUUID(),
    } as JournalEntryRow;
    const event = delivered(journalEntryPosted(entry), 'FINANCE');
    expect(JournalEntryPosted.payload.parse(event.payload)).toEqual({
      entryId: entry.id,
      number: 'JE-2026-000007',
      date: '2026-01-30',
      source: { module: 'payroll', reference: entry.source_reference },
    });
  });

  it('employee events round-trip through JSON as the projections read them', () => {
    const employeeId = randomUUID();
    const contract = buildEvent(ContractSigned, {
      contractId: randomUUID(),
      employeeId,
      type: 'PERMANENT',
      startDate: '2026-01-05',
      endDate: null,
      payFrequency: 'MONTHLY',
      baseSalary: eur('4200.00'),
    });
    expect(contract).toMatchObject({ type: 'ContractSigned', aggregateType: 'Employee', aggregateId: employeeId });
    expect(ContractSigned.payload.parse(delivered(contract, 'EMPLOYEES').payload)).toEqual(contract.payload);
  });
});

describe('what no publisher may build, no consumer accepts', () => {
  const hired = {
    employeeId: randomUUID(),
    employeeNumber: 'EMP-000001',
    fullName: 'Ana Silva',
    email: 'ana@acme.example',
    hireDate: '2026-01-05',
    departmentId: null,
    status: 'ACTIVE' as const,
  };

  it('refuses ids that are not uuids, impossible dates and missing fields, on both sides', () => {
    // Assets used to accept any non-empty id here; both consumers now read the stricter contract.
    expect(EmployeeHired.payload.safeParse({ ...hired, employeeId: 'EMP-1' }).success).toBe(false);
    expect(EmployeeHired.payload.safeParse({ ...hired, hireDate: '2026-02-30' }).success).toBe(false);
    const { fullName: _missing, ...withoutName } = hired;
    expect(EmployeeHired.payload.safeParse(withoutName).success).toBe(false);
    expect(() => buildEvent(EmployeeHired, { ...hired, employeeId: 'EMP-1' })).toThrow(ContractBreachError);
    expect(() => buildEvent(EmployeeHired, { ...hired, employeeId: 'EMP-1' })).toThrow(
      /EMPLOYEES built a EmployeeHired its contract refuses: employeeId: not a uuid/,
    );
  });

  it('refuses a termination announced as a status change, and a negative salary', () => {
    expect(EmployeeStatusChanged.payload.safeParse({ employeeId: hired.employeeId, status: 'TERMINATED', effectiveDate: '2026-06-30' }).success).toBe(false);
    expect(
      ContractSigned.payload.safeParse({
        contractId: randomUUID(),
        employeeId: hired.employeeId,
        type: 'PERMANENT',
        startDate: '2026-01-05',
        endDate: null,
        payFrequency: 'MONTHLY',
        baseSalary: eur('-1.00'),
      }).success,
    ).toBe(false);
  });

  it('refuses a posting without reference or lines, and one in a currency that is not a code', () => {
    const posting = {
      reference: 'r-1',
      date: '2026-01-31',
      memo: 'm',
      lines: [
        { accountCode: '6000', debit: '1.00' },
        { accountCode: '2100', credit: '1.00' },
      ],
    };
    expect(LedgerPosting.safeParse(posting).success).toBe(true);
    expect(LedgerPosting.safeParse({ ...posting, reference: '' }).success).toBe(false);
    expect(LedgerPosting.safeParse({ ...posting, lines: [] }).success).toBe(false);
    expect(LedgerPosting.safeParse({ ...posting, currency: 'euro' }).success).toBe(false);
    expect(() =>
      parsePosting(delivered({ type: 'PayRunPosted', aggregateType: 'PayRun', aggregateId: 'x', payload: { posting: { ...posting, lines: [] } } }, 'PAYROLL')),
    ).toThrow(/carries no valid posting/);
  });

  it('a payload missing a field does not compile', () => {
    // @ts-expect-error terminationDate is part of the contract
    const build = () => buildEvent(EmployeeTerminated, { employeeId: hired.employeeId });
    expect(build).toThrow(ContractBreachError);
  });
});

describe('consumers believe each event type from its publisher only', () => {
  const consumers = loadConsumers();
  const sourcesOf = (module: EventConsumer['module']) =>
    Object.assign({}, ...consumers.filter((c) => c.module === module).map((c) => c.accepts)) as Record<string, string>;

  it('names the contract publisher of every event type it consumes', () => {
    expect(sourcesOf('ASSETS')).toEqual({
      EmployeeHired: 'EMPLOYEES',
      EmployeeStatusChanged: 'EMPLOYEES',
      EmployeeTerminated: 'EMPLOYEES',
      EmployeeDetailsChanged: 'EMPLOYEES',
    });
    expect(sourcesOf('FINANCE')).toEqual({
      [PayRunPosted.type]: 'PAYROLL',
      [AssetRegistered.type]: 'ASSETS',
      [AssetDepreciated.type]: 'ASSETS',
      [AssetDisposed.type]: 'ASSETS',
    });
    expect(sourcesOf('PAYROLL')).toEqual({
      EmployeeHired: 'EMPLOYEES',
      EmployeeStatusChanged: 'EMPLOYEES',
      EmployeeDetailsChanged: 'EMPLOYEES',
      EmployeeTerminated: 'EMPLOYEES',
      ContractSigned: 'EMPLOYEES',
      ContractEnded: 'EMPLOYEES',
      JournalEntryPosted: 'FINANCE',
    });
    expect(sourcesOf('EMPLOYEES')).toEqual({});
  });
});

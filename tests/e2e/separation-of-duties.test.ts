import { randomUUID } from 'node:crypto';
import { fullGrants } from '../../platform/permissions';
import type { ContextUser } from '../../platform/tenant-context';
import type { Mutation } from '../support/api';
import { callSubgraphAsUser, createCompany, type GatewayCompany, type GatewayKey } from '../support/company';
import { deliverEvents } from '../support/events';
import { financeFootprint, financeOperation, simpleEntry } from '../support/finance-fixtures';
import { hireWithContract, mutateOk, payrollFootprint, payrollOperation } from '../support/payroll-fixtures';
import type { GraphQLResponse } from '../support/stack';
import { startTestStack, type TestStack } from '../support/stack';

// Separation of duties: whoever calculated a pay run may not approve it (on by
// default), and, where the company turns it on, whoever posted a journal entry
// may not reverse it. "Whoever" is the person when there is one, whatever key
// or token they came through, else the access key. A refusal is the userError
// SEPARATION_OF_DUTIES and writes nothing.

let t: TestStack;
let acme: GatewayCompany<'second'>;

type UserErrors = Array<{ field?: string[] | null; code: string }>;
type Payload = { payRun?: { id: string; status: string } | null; journalEntry?: { id: string } | null; userErrors: UserErrors };

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, {
    name: 'Acme Duties',
    modules: ['EMPLOYEES', 'FINANCE', 'PAYROLL'],
    keys: { second: { modules: ['EMPLOYEES', 'FINANCE', 'PAYROLL'] } },
  });
  await hireWithContract(acme, { firstName: 'Ana', lastName: 'Duty', email: 'ana@duties.example', hireDate: '2025-11-01', salary: '3000.00' });
  expect(await deliverEvents(t.database.config, t.database.db, acme.slug)).toMatchObject({ failed: 0, dead: 0 });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const APPROVE = payrollOperation('ApprovePayRun');
const CALCULATE = payrollOperation('CalculatePayRun');
const SETTINGS = `mutation($input: UpdatePayrollSettingsInput!) { updatePayrollSettings(input: $input) { payrollSettings { separateApprover } userErrors { field code } } }`;
const refusedForDuties = [{ field: ['input', 'payRunId'], message: expect.stringContaining('cannot also approve it'), code: 'SEPARATION_OF_DUTIES' }];

let month = 0;
/** A new run for the next month of 2026, calculated by `calculator`; returns its id. */
async function calculatedRun(calculator: GatewayKey): Promise<string> {
  month += 1;
  const mm = String(month).padStart(2, '0');
  const end = new Date(Date.UTC(2026, month, 0)).toISOString().slice(0, 10);
  const created = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', {
    input: { periodStart: `2026-${mm}-01`, periodEnd: end, payDate: end },
  });
  await mutateOk(calculator, CALCULATE, 'calculatePayRun', { input: { payRunId: created.payRun.id } });
  return created.payRun.id;
}

async function approve(key: GatewayKey, payRunId: string): Promise<Payload> {
  const res = await key.gql<Pick<Mutation, 'approvePayRun'>>(APPROVE, { input: { payRunId } });
  expect(res.errors).toBeUndefined();
  return res.data!.approvePayRun;
}

/** Runs `attempt`, expects exactly the SoD refusal of a payroll mutation, and that payroll's tables, outbox and audit did not change. */
async function expectPayrollRefused(attempt: () => Promise<Payload>): Promise<void> {
  const before = await payrollFootprint(acme.tenantDb);
  const payload = await attempt();
  expect(payload).toEqual({ payRun: null, userErrors: refusedForDuties });
  expect(await payrollFootprint(acme.tenantDb)).toEqual(before);
}

// Straight to the payroll subgraph, so only payroll's fields.
const CALCULATE_DIRECT = `mutation($input: CalculatePayRunInput!) { calculatePayRun(input: $input) { payRun { id status } userErrors { field message code } } }`;
const APPROVE_DIRECT = `mutation($input: ApprovePayRunInput!) { approvePayRun(input: $input) { payRun { id status } userErrors { field message code } } }`;

/**
 * A person with every permission calling a subgraph directly, as the gateway
 * would: through a session, or through a personal access token (`keyId`).
 */
function asPerson(
  user: ContextUser,
  query: string,
  variables: Record<string, unknown>,
  options: { subgraph?: string; keyId?: string } = {},
): Promise<GraphQLResponse<Record<string, Payload>>> {
  const caller = { user, grants: fullGrants(acme.modules), keyId: options.keyId };
  return callSubgraphAsUser<Record<string, Payload>>(t, options.subgraph ?? 'payroll', acme, caller, query, variables);
}
const person = (name: string): ContextUser => ({ id: randomUUID(), email: `${name}@duties.example` });

describe('a pay run is approved by someone other than whoever calculated it', () => {
  it('is the default setting', async () => {
    const res = await acme.gql<{ payrollSettings: { separateApprover: boolean } }>(`{ payrollSettings { separateApprover } }`);
    expect(res.data!.payrollSettings.separateApprover).toBe(true);
  });

  it('refuses the key that calculated, writing nothing; another key approves', async () => {
    const payRunId = await calculatedRun(acme);
    await expectPayrollRefused(() => approve(acme, payRunId));
    expect(await approve(acme.keys.second, payRunId)).toEqual({ payRun: { id: payRunId, status: 'APPROVED' }, userErrors: [] });
  });

  it('compares whoever calculated last: a recalculation by another key makes it theirs', async () => {
    const payRunId = await calculatedRun(acme);
    await mutateOk(acme.keys.second, CALCULATE, 'calculatePayRun', { input: { payRunId } });
    await expectPayrollRefused(() => approve(acme.keys.second, payRunId));
    expect((await approve(acme, payRunId)).payRun).toEqual({ id: payRunId, status: 'APPROVED' });
  });

  it('is about the person, not the credential: the same person through another token is refused, another person through the same one approves', async () => {
    const payRunId = await calculatedRun(acme);
    const ana = person('ana');
    const calculated = await asPerson(ana, CALCULATE_DIRECT, { input: { payRunId } }, { keyId: acme.keyId });
    expect(calculated.data!.calculatePayRun).toEqual({ payRun: { id: payRunId, status: 'CALCULATED' }, userErrors: [] });
    await expectPayrollRefused(
      async () => (await asPerson(ana, APPROVE_DIRECT, { input: { payRunId } }, { keyId: acme.keys.second.keyId })).data!.approvePayRun!,
    );
    await expectPayrollRefused(async () => (await asPerson(ana, APPROVE_DIRECT, { input: { payRunId } })).data!.approvePayRun!);
    const bruno = await asPerson(person('bruno'), APPROVE_DIRECT, { input: { payRunId } }, { keyId: acme.keyId });
    expect(bruno.data!.approvePayRun).toEqual({ payRun: { id: payRunId, status: 'APPROVED' }, userErrors: [] });
  });

  it('lets the same key approve once the company turns the rule off, and refuses again once it is back on', async () => {
    const off = await acme.gql<{ updatePayrollSettings: { payrollSettings: { separateApprover: boolean }; userErrors: UserErrors } }>(SETTINGS, {
      input: { separateApprover: false },
    });
    expect(off.data!.updatePayrollSettings).toEqual({ payrollSettings: { separateApprover: false }, userErrors: [] });
    const payRunId = await calculatedRun(acme);
    expect(await approve(acme, payRunId)).toEqual({ payRun: { id: payRunId, status: 'APPROVED' }, userErrors: [] });

    await acme.gql(SETTINGS, { input: { separateApprover: true } });
    const next = await calculatedRun(acme);
    await expectPayrollRefused(() => approve(acme, next));
  });

  it('checks the state first: a run that is not CALCULATED is INVALID_STATE, whoever asks', async () => {
    const created = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', {
      input: { periodStart: '2027-01-01', periodEnd: '2027-01-31', payDate: '2027-01-31' },
    });
    const payload = await approve(acme, created.payRun.id);
    expect(payload.userErrors.map((e) => e.code)).toEqual(['INVALID_STATE']);
  });
});

const LEDGER_SETTINGS = `mutation($input: UpdateLedgerSettingsInput!) { updateLedgerSettings(input: $input) { settings { separateReverser } userErrors { field code } } }`;
const REVERSE = financeOperation('ReverseJournalEntry');

async function postEntry(key: GatewayKey, amount: string): Promise<string> {
  const res = await key.gql<Pick<Mutation, 'postJournalEntry'>>(financeOperation('PostJournalEntry'), { input: simpleEntry('2026-03-02', amount) });
  expect(res.data!.postJournalEntry.userErrors).toEqual([]);
  return res.data!.postJournalEntry.journalEntry!.id;
}

async function reverse(key: GatewayKey, journalEntryId: string): Promise<Payload> {
  const res = await key.gql<Pick<Mutation, 'reverseJournalEntry'>>(REVERSE, { input: { journalEntryId, date: '2026-03-03' } });
  expect(res.errors).toBeUndefined();
  return res.data!.reverseJournalEntry;
}

describe('where the company separates them, a journal entry is reversed by someone other than whoever posted it', () => {
  it('is off by default: the poster reverses their own entry', async () => {
    const res = await acme.gql<{ ledgerSettings: { separateReverser: boolean } }>(`{ ledgerSettings { separateReverser } }`);
    expect(res.data!.ledgerSettings.separateReverser).toBe(false);
    const entryId = await postEntry(acme, '10.00');
    expect((await reverse(acme, entryId)).userErrors).toEqual([]);
  });

  it('turned on, refuses the key that posted, writing nothing; another key reverses', async () => {
    const on = await acme.gql<{ updateLedgerSettings: { settings: { separateReverser: boolean }; userErrors: UserErrors } }>(LEDGER_SETTINGS, {
      input: { separateReverser: true },
    });
    expect(on.data!.updateLedgerSettings).toEqual({ settings: { separateReverser: true }, userErrors: [] });
    const entryId = await postEntry(acme, '20.00');

    const before = await financeFootprint(acme.tenantDb);
    expect(await reverse(acme, entryId)).toEqual({
      journalEntry: null,
      userErrors: [{ field: ['input', 'journalEntryId'], message: expect.stringContaining('cannot also reverse it'), code: 'SEPARATION_OF_DUTIES' }],
    });
    expect(await financeFootprint(acme.tenantDb)).toEqual(before);

    const reversed = await reverse(acme.keys.second, entryId);
    expect(reversed.userErrors).toEqual([]);
    expect(reversed.journalEntry).toMatchObject({ status: 'POSTED', reversalOf: { id: entryId } });
  });

  const postedBy = async (entryId: string) =>
    (await acme.tenantDb.selectFrom('finance.journal_entry').select('posted_by').where('id', '=', entryId).executeTakeFirstOrThrow()).posted_by;

  it('records the poster on the entry: the key when no person is behind it', async () => {
    const entryId = await postEntry(acme.keys.second, '30.00');
    expect(await postedBy(entryId)).toBe(`key:${acme.keys.second.keyId}`);
    expect((await reverse(acme, entryId)).userErrors).toEqual([]);
  });

  it('and the person when there is one, whatever token they post and reverse with', async () => {
    const carla = person('carla');
    const post = `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { journalEntry { id } userErrors { field code } } }`;
    const posted = await asPerson(carla, post, { input: simpleEntry('2026-03-02', '40.00') }, { subgraph: 'finance', keyId: acme.keyId });
    const entryId = posted.data!.postJournalEntry!.journalEntry!.id;
    expect(await postedBy(entryId)).toBe(`user:${carla.id}`);

    const reverseDirect = `mutation($input: ReverseJournalEntryInput!) { reverseJournalEntry(input: $input) { journalEntry { id } userErrors { field code } } }`;
    const before = await financeFootprint(acme.tenantDb);
    const refused = await asPerson(carla, reverseDirect, { input: { journalEntryId: entryId } }, { subgraph: 'finance', keyId: acme.keys.second.keyId });
    expect(refused.data!.reverseJournalEntry).toEqual({
      journalEntry: null,
      userErrors: [{ field: ['input', 'journalEntryId'], code: 'SEPARATION_OF_DUTIES' }],
    });
    expect(await financeFootprint(acme.tenantDb)).toEqual(before);
    // The key she posted through is not her: used by itself, it may reverse.
    expect((await reverse(acme, entryId)).userErrors).toEqual([]);
  });
});

import { z } from 'zod';
import type { ModuleName } from '../../platform/modules';
import type { Permission } from '../../platform/permissions';
import { AssetDisposed, AssetRegistered } from './assets';
import { EmployeeHired, EmployeeTerminated } from './employees';
import type { EventContract, PayloadOf } from './event';
import { JournalEntryPosted } from './finance';
import { PayRunApproved, PayRunCalculated, PayRunCancelled, PayRunCreated, PayRunPosted } from './payroll';
import { customFieldValues, isoDate, money, uuid } from './primitives';

/*
 * Public events: what a company's own systems may learn of its data, through
 * webhooks and live updates. Each is a versioned name (`employee.hired.v1`)
 * with a payload of its own, mapped from one internal event. The internal
 * shapes may change whenever modules agree; a public payload only gains
 * optional fields within a version, and anything else is a new version
 * published beside the old one (docs/public-events.md).
 *
 * A payload carries ids, dates and amounts that the module's read permission
 * shows, never personal data such as names or e-mails: a receiver that needs
 * them asks the GraphQL API, where permissions and masking apply.
 */

export interface PublicEventType<Internal extends EventContract = EventContract, Public extends z.ZodTypeAny = z.ZodTypeAny> {
  /** `<entity>.<fact>.v<version>`, e.g. `employee.hired.v1`. */
  readonly name: string;
  readonly module: ModuleName;
  /** What a key or person needs to see events of this type (the module's read permission). */
  readonly permission: Permission;
  readonly description: string;
  /** The internal event it is made from. */
  readonly source: Internal;
  readonly payload: Public;
  toPublic(internal: PayloadOf<Internal>): z.infer<Public>;
}

function publicEvent<Internal extends EventContract, Public extends z.ZodTypeAny>(type: PublicEventType<Internal, Public>): PublicEventType<Internal, Public> {
  return type;
}

export const EmployeeHiredV1 = publicEvent({
  name: 'employee.hired.v1',
  module: 'EMPLOYEES',
  permission: 'employees:directory.read',
  description: 'Someone joined the company.',
  source: EmployeeHired,
  payload: z.object({
    employeeId: uuid,
    employeeNumber: z.string(),
    hireDate: isoDate,
    departmentId: uuid.nullable(),
    customFields: customFieldValues.optional(),
  }),
  toPublic: (p) => ({
    employeeId: p.employeeId,
    employeeNumber: p.employeeNumber,
    hireDate: p.hireDate,
    departmentId: p.departmentId,
    ...(p.customFields ? { customFields: p.customFields } : {}),
  }),
});

export const EmployeeTerminatedV1 = publicEvent({
  name: 'employee.terminated.v1',
  module: 'EMPLOYEES',
  permission: 'employees:directory.read',
  description: 'Someone left the company; terminationDate is the last working day.',
  source: EmployeeTerminated,
  payload: z.object({ employeeId: uuid, terminationDate: isoDate }),
  toPublic: (p) => ({ employeeId: p.employeeId, terminationDate: p.terminationDate }),
});

export const PayRunPostedV1 = publicEvent({
  name: 'payroll.pay_run.posted.v1',
  module: 'PAYROLL',
  permission: 'payroll:runs.read',
  description: 'A pay run was posted to the ledger. Amounts stay behind the API: payslips need payroll:payslips.read.',
  source: PayRunPosted,
  payload: z.object({ payRunId: uuid, periodStart: isoDate, periodEnd: isoDate, payDate: isoDate }),
  toPublic: (p) => ({ payRunId: p.payRunId, periodStart: p.periodStart, periodEnd: p.periodEnd, payDate: p.payDate }),
});

/** The public payload of every state change of a pay run: the run and its dates, no amounts and no people. */
const payRunState = z.object({ payRunId: uuid, periodStart: isoDate, periodEnd: isoDate, payDate: isoDate });
const payRunStateOf = (p: { payRunId: string; periodStart: string; periodEnd: string; payDate: string }) => ({
  payRunId: p.payRunId,
  periodStart: p.periodStart,
  periodEnd: p.periodEnd,
  payDate: p.payDate,
});

export const PayRunCreatedV1 = publicEvent({
  name: 'payroll.pay_run.created.v1',
  module: 'PAYROLL',
  permission: 'payroll:runs.read',
  description: 'A pay run was created for a month, in DRAFT.',
  source: PayRunCreated,
  payload: payRunState,
  toPublic: payRunStateOf,
});

export const PayRunCalculatedV1 = publicEvent({
  name: 'payroll.pay_run.calculated.v1',
  module: 'PAYROLL',
  permission: 'payroll:runs.read',
  description: 'A pay run’s payslips were calculated (again, on a recalculation): it is CALCULATED. Totals stay behind the API.',
  source: PayRunCalculated,
  payload: payRunState,
  toPublic: payRunStateOf,
});

export const PayRunApprovedV1 = publicEvent({
  name: 'payroll.pay_run.approved.v1',
  module: 'PAYROLL',
  permission: 'payroll:runs.read',
  description: 'A calculated pay run was approved: it is APPROVED and may be posted.',
  source: PayRunApproved,
  payload: payRunState,
  toPublic: payRunStateOf,
});

export const PayRunCancelledV1 = publicEvent({
  name: 'payroll.pay_run.cancelled.v1',
  module: 'PAYROLL',
  permission: 'payroll:runs.read',
  description: 'A pay run was cancelled before posting; its payslips no longer count.',
  source: PayRunCancelled,
  payload: payRunState,
  toPublic: payRunStateOf,
});

export const AssetRegisteredV1 = publicEvent({
  name: 'asset.registered.v1',
  module: 'ASSETS',
  permission: 'assets:read',
  description: 'An asset entered the registry.',
  source: AssetRegistered,
  payload: z.object({
    assetId: uuid,
    tag: z.string(),
    name: z.string(),
    category: z.string(),
    acquisitionDate: isoDate,
    acquisitionCost: money,
    customFields: customFieldValues.optional(),
  }),
  toPublic: (p) => ({
    assetId: p.assetId,
    tag: p.tag,
    name: p.name,
    category: p.category,
    acquisitionDate: p.acquisitionDate,
    acquisitionCost: p.acquisitionCost,
    ...(p.customFields ? { customFields: p.customFields } : {}),
  }),
});

export const AssetDisposedV1 = publicEvent({
  name: 'asset.disposed.v1',
  module: 'ASSETS',
  permission: 'assets:read',
  description: 'An asset was sold or scrapped on a date, with its proceeds and the gain or loss against book value.',
  source: AssetDisposed,
  payload: z.object({ assetId: uuid, date: isoDate, proceeds: money, bookValue: money, gainOrLoss: money }),
  toPublic: (p) => ({ assetId: p.assetId, date: p.date, proceeds: p.proceeds, bookValue: p.bookValue, gainOrLoss: p.gainOrLoss }),
});

export const JournalEntryPostedV1 = publicEvent({
  name: 'finance.journal_entry.posted.v1',
  module: 'FINANCE',
  permission: 'finance:ledger.read',
  description: 'A journal entry was booked; source names the module and reference it came from (`finance` for manual entries).',
  source: JournalEntryPosted,
  payload: z.object({ entryId: uuid, number: z.string(), date: isoDate, source: z.object({ module: z.string(), reference: z.string().nullable() }) }),
  toPublic: (p) => ({ entryId: p.entryId, number: p.number, date: p.date, source: { module: p.source.module, reference: p.source.reference } }),
});

/** Every public event type, oldest first. Adding one is adding it here (and to docs/public-events.md). */
export const PUBLIC_EVENT_TYPES: readonly PublicEventType[] = [
  EmployeeHiredV1,
  EmployeeTerminatedV1,
  PayRunPostedV1,
  AssetRegisteredV1,
  AssetDisposedV1,
  JournalEntryPostedV1,
  PayRunCreatedV1,
  PayRunCalculatedV1,
  PayRunApprovedV1,
  PayRunCancelledV1,
] as unknown as readonly PublicEventType[];

export const PUBLIC_EVENT_NAMES: readonly string[] = PUBLIC_EVENT_TYPES.map((t) => t.name);

export function publicEventType(name: string): PublicEventType | undefined {
  return PUBLIC_EVENT_TYPES.find((t) => t.name === name);
}

/** A public event as stored and sent: the internal event's id, so a redelivery carries the same id. */
export interface PublicEvent {
  id: string;
  type: string;
  module: ModuleName;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/**
 * The public event an internal event becomes, or null when it has none. One
 * internal type has at most one public type per version in use, so the public
 * event keeps the internal id. The internal payload is parsed by its contract
 * and the public one by its own schema: a drift between them is an error,
 * never a leak.
 */
export function toPublicEvent(internal: { id: string; type: string; source: ModuleName; occurredAt: Date; payload: unknown }): PublicEvent | null {
  const type = PUBLIC_EVENT_TYPES.find((t) => t.source.type === internal.type && t.source.source === internal.source);
  if (!type) return null;
  const payload = type.payload.parse(type.toPublic(type.source.payload.parse(internal.payload))) as Record<string, unknown>;
  return { id: internal.id, type: type.name, module: type.module, occurredAt: internal.occurredAt, payload };
}

/** Channel of the control plane on which the worker announces each public event it records (the payload is its id). */
export const PUBLIC_EVENTS_CHANNEL = 'fluxo_public_events';

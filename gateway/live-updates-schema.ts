import { buildSchema, type GraphQLFieldResolver, type GraphQLInterfaceType, type GraphQLSchema } from 'graphql';
import type { ModuleName } from '../platform/modules';
import { PUBLIC_EVENT_TYPES, type PublicEventType } from '../subgraphs/contracts/public-events';
import type { LiveEvent } from './live-updates-hub';

/**
 * The schema of live updates (docs/live-updates.md): the company's public
 * events as a subscription, one GraphQL type per kind of fact, the payload's
 * fields typed. It is served beside the supergraph, not part of it.
 */
export const LIVE_UPDATES_SDL = /* GraphQL */ `
  "A calendar date, YYYY-MM-DD."
  scalar Date
  "An instant, ISO 8601 in UTC."
  scalar DateTime
  "An exact decimal number written as a string, e.g. \\"1500.00\\"; never a float."
  scalar Decimal

  enum Module {
    ASSETS
    EMPLOYEES
    FINANCE
    PAYROLL
  }

  "An amount of money."
  type Money {
    amount: Decimal!
    currency: String!
  }

  "A public event type this credential may receive, and what it needs."
  type LiveEventType {
    "The versioned public name, e.g. payroll.pay_run.approved.v1."
    name: String!
    module: Module!
    "The permission (held company-wide) that lets a credential see events of this type."
    permission: String!
    description: String!
  }

  type Query {
    "The public event types this credential receives: those of its modules whose permission it holds company-wide."
    liveEventTypes: [LiveEventType!]!
  }

  type Subscription {
    """
    The company's public events that this credential may see, as they are
    recorded, oldest first. Each is sent with its seq as the stream's event id;
    reconnecting with the Last-Event-ID header resumes after it (within the
    retention window, else the error LAST_EVENT_ID_EXPIRED). \`types\` narrows
    the stream to some public names; absent, every type the credential may see.
    """
    events(types: [String!]): LiveEvent!
  }

  "What every live event carries."
  interface LiveEvent {
    "The event's id: the same on every delivery, webhooks included. Deduplicate by it."
    id: ID!
    "Its position in the stream, increasing: the SSE event id, to resume after."
    seq: String!
    "The versioned public name, e.g. payroll.pay_run.posted.v1."
    type: String!
    module: Module!
    occurredAt: DateTime!
  }

  enum PayRunStatus {
    DRAFT
    CALCULATED
    APPROVED
    POSTED
    CANCELLED
  }

  "A pay run moved to another state (payroll.pay_run.created|calculated|approved|posted|cancelled.v1). Amounts stay behind /graphql."
  type PayRunStateChanged implements LiveEvent {
    id: ID!
    seq: String!
    type: String!
    module: Module!
    occurredAt: DateTime!
    payRunId: ID!
    "The state the run is in after this change."
    status: PayRunStatus!
    periodStart: Date!
    periodEnd: Date!
    payDate: Date!
  }

  "Someone joined the company (employee.hired.v1)."
  type EmployeeHired implements LiveEvent {
    id: ID!
    seq: String!
    type: String!
    module: Module!
    occurredAt: DateTime!
    employeeId: ID!
    employeeNumber: String!
    hireDate: Date!
    departmentId: ID
  }

  "Someone left the company (employee.terminated.v1); terminationDate is the last working day."
  type EmployeeTerminated implements LiveEvent {
    id: ID!
    seq: String!
    type: String!
    module: Module!
    occurredAt: DateTime!
    employeeId: ID!
    terminationDate: Date!
  }

  "An asset entered the registry (asset.registered.v1)."
  type AssetRegistered implements LiveEvent {
    id: ID!
    seq: String!
    type: String!
    module: Module!
    occurredAt: DateTime!
    assetId: ID!
    tag: String!
    name: String!
    category: String!
    acquisitionDate: Date!
    acquisitionCost: Money!
  }

  "An asset was sold or scrapped (asset.disposed.v1)."
  type AssetDisposed implements LiveEvent {
    id: ID!
    seq: String!
    type: String!
    module: Module!
    occurredAt: DateTime!
    assetId: ID!
    date: Date!
    proceeds: Money!
    bookValue: Money!
    gainOrLoss: Money!
  }

  "Where a journal entry came from: a module and its reference (finance, null, for manual entries)."
  type JournalEntrySource {
    module: String!
    reference: String
  }

  "A journal entry was booked (finance.journal_entry.posted.v1)."
  type JournalEntryPosted implements LiveEvent {
    id: ID!
    seq: String!
    type: String!
    module: Module!
    occurredAt: DateTime!
    entryId: ID!
    number: String!
    date: Date!
    source: JournalEntrySource!
  }
`;

/** The GraphQL type each public event name is shown as, and for pay runs the state it reports. */
const TYPE_OF_EVENT: Record<string, { typename: string; status?: string }> = {
  'employee.hired.v1': { typename: 'EmployeeHired' },
  'employee.terminated.v1': { typename: 'EmployeeTerminated' },
  'asset.registered.v1': { typename: 'AssetRegistered' },
  'asset.disposed.v1': { typename: 'AssetDisposed' },
  'finance.journal_entry.posted.v1': { typename: 'JournalEntryPosted' },
  'payroll.pay_run.created.v1': { typename: 'PayRunStateChanged', status: 'DRAFT' },
  'payroll.pay_run.calculated.v1': { typename: 'PayRunStateChanged', status: 'CALCULATED' },
  'payroll.pay_run.approved.v1': { typename: 'PayRunStateChanged', status: 'APPROVED' },
  'payroll.pay_run.posted.v1': { typename: 'PayRunStateChanged', status: 'POSTED' },
  'payroll.pay_run.cancelled.v1': { typename: 'PayRunStateChanged', status: 'CANCELLED' },
};

/** Names of public event types live updates has no GraphQL type for: a test holds this empty. */
export function untypedPublicEvents(): string[] {
  return PUBLIC_EVENT_TYPES.map((t) => t.name).filter((name) => !(name in TYPE_OF_EVENT));
}

/** A recorded event as the schema's object: the payload's fields beside the common ones. */
export interface LiveEventObject extends Record<string, unknown> {
  __typename: string;
  id: string;
  seq: string;
  type: string;
  module: string;
  occurredAt: string;
}

export function toLiveEventObject(event: LiveEvent): LiveEventObject {
  const shape = TYPE_OF_EVENT[event.type];
  return {
    ...event.payload,
    ...(shape?.status ? { status: shape.status } : {}),
    __typename: shape?.typename ?? 'Unknown',
    id: event.id,
    seq: String(event.seq),
    type: event.type,
    module: event.module,
    occurredAt: event.occurred_at.toISOString(),
  };
}

/** What the schema's resolvers need of the connection they serve. */
export interface LiveUpdatesResolvers<Context> {
  liveEventTypes: GraphQLFieldResolver<unknown, Context>;
  events: {
    subscribe: GraphQLFieldResolver<unknown, Context, { types?: string[] | null }>;
    resolve: GraphQLFieldResolver<LiveEvent, Context>;
  };
}

/** The executable schema: the SDL with the connection's resolvers attached (no schema-tools dependency). */
export function buildLiveUpdatesSchema<Context>(resolvers: LiveUpdatesResolvers<Context>): GraphQLSchema {
  const schema = buildSchema(LIVE_UPDATES_SDL);
  // graphql-js types a field's resolvers over any context; ours are typed where they are written.
  schema.getQueryType()!.getFields().liveEventTypes!.resolve = resolvers.liveEventTypes as GraphQLFieldResolver<unknown, unknown>;
  const events = schema.getSubscriptionType()!.getFields().events!;
  events.subscribe = resolvers.events.subscribe as GraphQLFieldResolver<unknown, unknown>;
  events.resolve = resolvers.events.resolve as GraphQLFieldResolver<unknown, unknown>;
  (schema.getType('LiveEvent') as GraphQLInterfaceType).resolveType = (value: LiveEventObject) => value.__typename;
  return schema;
}

/** A public event type as liveEventTypes lists it. */
export function describeType(type: PublicEventType): { name: string; module: ModuleName; permission: string; description: string } {
  return { name: type.name, module: type.module, permission: type.permission, description: type.description };
}

import type { ColumnType, Generated, Selectable } from 'kysely';

/** A public event of a company (subgraphs/contracts/public-events.ts), kept for the retention window. */
export interface PublicEventTable {
  id: string;
  seq: Generated<string>;
  company_id: string;
  type: string;
  module: string;
  occurred_at: Date;
  recorded_at: ColumnType<Date, never, never>;
  payload: ColumnType<Record<string, unknown>, string, never>;
}
export type PublicEventRow = Selectable<PublicEventTable>;

export interface WebhookEndpointTable {
  id: Generated<string>;
  company_id: string;
  url: string;
  description: Generated<string>;
  event_types: string[];
  enabled: Generated<boolean>;
  disabled_at: Date | null;
  disabled_reason: string | null;
  /** `whsec_` and base64, as the Standard Webhooks specification writes it. */
  secret: string;
  /** The secret before the last rotation: it signs too until previous_secret_expires_at. */
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  consecutive_failures: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;

export type WebhookDeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface WebhookDeliveryTable {
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  created_at: ColumnType<Date, never, never>;
}
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;

export interface WebhookDeliveryAttemptTable {
  id: Generated<string>;
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  attempt: number;
  at: ColumnType<Date, never, never>;
  status_code: number | null;
  latency_ms: number;
  response_body: string | null;
  error: string | null;
  next_attempt_at: Date | null;
}
export type WebhookDeliveryAttemptRow = Selectable<WebhookDeliveryAttemptTable>;

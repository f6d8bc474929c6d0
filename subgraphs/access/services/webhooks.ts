import { randomUUID } from 'node:crypto';
import type { WebhookEndpointRow } from '../../../platform/control-plane';
import { addressRefusal } from '../../../platform/outbound-address';
import type { Permission } from '../../../platform/permissions';
import { generateWebhookSecret } from '../../../platform/webhook-signing';
import { publicEventType } from '../../contracts/public-events';
import type { Actor } from '../../kit/actor';
import { failWith, userError, type UserError } from '../../kit/errors';
import { refuseInvalid } from '../../kit/validation';
import type { ControlPlaneTransaction } from '../mutation';
import { findCompany } from '../store/companies';
import * as store from '../store/webhooks';

const MAX_ENDPOINTS = 20;
const MAX_URL_LENGTH = 2000;
const DEFAULT_OVERLAP_HOURS = 24;
const MAX_OVERLAP_HOURS = 168;

/** What endpoint checks need of the caller and the platform. */
export interface WebhookPolicy {
  /** FLUXO_WEBHOOKS_ALLOW_LOOPBACK: development endpoints on loopback, over http. */
  allowLoopback: boolean;
  /** Whether the caller holds a permission (always, for the operator): nobody subscribes to events they may not read. */
  holds: (permission: Permission) => boolean;
}

/**
 * Why a URL cannot be an endpoint. Names are resolved and checked at each
 * delivery (they may change); what can be refused now is: scheme, user info,
 * and literal addresses that are not public.
 */
function urlProblems(url: string, policy: WebhookPolicy): UserError[] {
  const field = ['input', 'url'];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [userError(field, 'Not a URL', 'INVALID_URL')];
  }
  const problems: UserError[] = [];
  if (url.length > MAX_URL_LENGTH) problems.push(userError(field, `At most ${MAX_URL_LENGTH} characters`, 'INVALID_URL'));
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowLoopback))
    problems.push(userError(field, 'Endpoints are https://', 'INVALID_URL'));
  if (parsed.username || parsed.password) problems.push(userError(field, 'No credentials in the URL: verify the signature instead', 'INVALID_URL'));
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const refusal = host === 'localhost' || host.endsWith('.localhost') ? 'LOOPBACK' : /^[\d.]+$|:/.test(host) ? addressRefusal(host) : null;
  if (refusal && !(refusal === 'LOOPBACK' && policy.allowLoopback)) problems.push(userError(field, `Not a public address (${refusal})`, 'ADDRESS_NOT_ALLOWED'));
  return problems;
}

function eventTypeProblems(types: readonly string[], companyModules: readonly string[], policy: WebhookPolicy): UserError[] {
  if (types.length === 0) return [userError(['input', 'eventTypes'], 'Name at least one event type', 'INVALID_EVENT_TYPE')];
  return types.flatMap((name, i) => {
    const field = ['input', 'eventTypes', String(i)];
    const type = publicEventType(name);
    if (!type) return [userError(field, `No public event type ${name}`, 'INVALID_EVENT_TYPE')];
    if (!companyModules.includes(type.module)) return [userError(field, `${name} needs the ${type.module} module`, 'MODULE_NOT_SUBSCRIBED')];
    if (!policy.holds(type.permission)) return [userError(field, `${name} needs ${type.permission}`, 'FORBIDDEN_EVENT_TYPE')];
    return [];
  });
}

/** What the audit keeps of an endpoint: never its secrets. */
const audited = (e: WebhookEndpointRow) => ({ url: e.url, eventTypes: e.event_types, description: e.description, enabled: e.enabled });

async function checkedSettings(
  trx: ControlPlaneTransaction,
  companyId: string,
  values: { url?: string | null; eventTypes?: readonly string[] | null },
  policy: WebhookPolicy,
): Promise<void> {
  const company = await findCompany(trx, companyId);
  if (!company) failWith(['input', 'companyId'], `No company ${companyId}`, 'NOT_FOUND');
  const errors = [
    ...(values.url != null ? urlProblems(values.url, policy) : []),
    ...(values.eventTypes != null ? eventTypeProblems(values.eventTypes, company.modules, policy) : []),
  ];
  refuseInvalid(errors);
}

export async function createWebhookEndpoint(
  trx: ControlPlaneTransaction,
  input: { companyId: string; url: string; eventTypes: readonly string[]; description?: string | null },
  policy: WebhookPolicy,
  actor: Actor,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  await checkedSettings(trx, input.companyId, input, policy);
  const existing = await store.listWebhookEndpoints(trx, [input.companyId]);
  if (existing.length >= MAX_ENDPOINTS) failWith(['input', 'companyId'], `At most ${MAX_ENDPOINTS} endpoints per company`, 'TOO_MANY_ENDPOINTS');
  const secret = generateWebhookSecret();
  const endpoint = await store.insertWebhookEndpoint(trx, {
    companyId: input.companyId,
    url: input.url,
    eventTypes: [...new Set(input.eventTypes)],
    description: (input.description ?? '').slice(0, 500),
    secret,
  });
  actor.audit({ entity: 'webhookEndpoint', entityId: endpoint.id, after: audited(endpoint) });
  return { endpoint, secret };
}

export async function updateWebhookEndpoint(
  trx: ControlPlaneTransaction,
  endpoint: WebhookEndpointRow,
  input: { url?: string | null; eventTypes?: readonly string[] | null; description?: string | null },
  policy: WebhookPolicy,
  actor: Actor,
): Promise<WebhookEndpointRow> {
  await checkedSettings(trx, endpoint.company_id, input, policy);
  const updated = await store.updateWebhookEndpoint(trx, endpoint.id, {
    ...(input.url != null ? { url: input.url } : {}),
    ...(input.eventTypes != null ? { event_types: [...new Set(input.eventTypes)] } : {}),
    ...(input.description != null ? { description: input.description.slice(0, 500) } : {}),
  });
  actor.audit({ entity: 'webhookEndpoint', entityId: endpoint.id, before: audited(endpoint), after: audited(updated) });
  return updated;
}

/** A new secret; the current one keeps signing beside it for the overlap, so receivers can switch without losing a delivery. */
export async function rotateWebhookSecret(
  trx: ControlPlaneTransaction,
  endpoint: WebhookEndpointRow,
  overlapHours: number | null | undefined,
  actor: Actor,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const hours = overlapHours ?? DEFAULT_OVERLAP_HOURS;
  if (!Number.isInteger(hours) || hours < 0 || hours > MAX_OVERLAP_HOURS)
    failWith(['input', 'overlapHours'], `0 to ${MAX_OVERLAP_HOURS} hours`, 'INVALID_OVERLAP');
  const secret = generateWebhookSecret();
  const expires = new Date(Date.now() + hours * 3_600_000);
  const updated = await store.updateWebhookEndpoint(trx, endpoint.id, {
    secret,
    previous_secret: hours > 0 ? endpoint.secret : null,
    previous_secret_expires_at: hours > 0 ? expires : null,
  });
  actor.audit({
    entity: 'webhookEndpoint',
    entityId: endpoint.id,
    after: { secretRotated: true, previousSecretExpiresAt: updated.previous_secret_expires_at },
  });
  return { endpoint: updated, secret };
}

export async function enableWebhookEndpoint(trx: ControlPlaneTransaction, endpoint: WebhookEndpointRow, actor: Actor): Promise<WebhookEndpointRow> {
  const updated = await store.updateWebhookEndpoint(trx, endpoint.id, { enable: true });
  actor.audit({ entity: 'webhookEndpoint', entityId: endpoint.id, before: audited(endpoint), after: audited(updated) });
  return updated;
}

export async function deleteWebhookEndpoint(trx: ControlPlaneTransaction, endpoint: WebhookEndpointRow, actor: Actor): Promise<string> {
  await store.deleteWebhookEndpoint(trx, endpoint.id);
  actor.audit({ entity: 'webhookEndpoint', entityId: endpoint.id, before: audited(endpoint) });
  return endpoint.id;
}

export async function redeliverWebhook(
  trx: ControlPlaneTransaction,
  endpoint: WebhookEndpointRow,
  input: { deliveryId?: string | null; eventId?: string | null },
  actor: Actor,
): Promise<string> {
  if ((input.deliveryId == null) === (input.eventId == null)) failWith(['input'], 'Name a delivery or an event, not both', 'INVALID_INPUT');
  const eventId = input.deliveryId != null ? await store.findDeliveryEvent(trx, endpoint.id, input.deliveryId) : input.eventId!;
  if (eventId === null) failWith(['input', 'deliveryId'], `No delivery ${input.deliveryId} of this endpoint`, 'NOT_FOUND');
  const queued = await store.requeueWebhookDelivery(trx, endpoint, eventId);
  if (queued === null) failWith(['input', 'eventId'], `No event ${eventId} of this company within the retention window`, 'NOT_FOUND');
  actor.audit({ entity: 'webhookEndpoint', entityId: endpoint.id, after: { redelivered: eventId } });
  return queued;
}

export async function pingWebhookEndpoint(trx: ControlPlaneTransaction, endpoint: WebhookEndpointRow, actor: Actor): Promise<string> {
  const eventId = randomUUID();
  await store.queuePing(trx, endpoint, eventId);
  actor.audit({ entity: 'webhookEndpoint', entityId: endpoint.id, after: { pinged: eventId } });
  return eventId;
}

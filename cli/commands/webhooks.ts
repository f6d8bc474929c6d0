import { inControlPlaneTransaction } from '../../subgraphs/access/mutation';
import * as webhooks from '../../subgraphs/access/services/webhooks';
import { findCompanyBySlug } from '../../subgraphs/access/store/companies';
import { findWebhookEndpoint, listDeliveryAttempts, listWebhookEndpoints } from '../../subgraphs/access/store/webhooks';
import type { AccessDeps } from '../../subgraphs/access/deps';
import { cliActor, CliUsageError, configWithDatabaseUrl, formatTable, withAccessDeps } from '../support';

const out = (text: string) => process.stdout.write(`${text}\n`);
const when = (d: Date | null) => (d ? d.toISOString() : '—');

async function companyIdOf(deps: AccessDeps, slug: string): Promise<string> {
  const company = await findCompanyBySlug(deps.controlPlane, slug);
  if (!company) throw new CliUsageError(`no company with slug "${slug}" (see fluxo tenant list)`);
  return company.id;
}

async function endpointOf(deps: AccessDeps, id: string) {
  const endpoint = await findWebhookEndpoint(deps.controlPlane, id).catch(() => undefined);
  if (!endpoint) throw new CliUsageError(`no webhook endpoint ${id} (see fluxo webhooks list --company <slug>)`);
  return endpoint;
}

/** `fluxo webhooks list --company <slug>`: a company's endpoints and their state. */
export async function webhooksListCommand(options: { company: string }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const endpoints = await listWebhookEndpoints(deps.controlPlane, [await companyIdOf(deps, options.company)]);
    if (endpoints.length === 0) return out('No webhook endpoints.');
    const rows = endpoints.map((e) => [
      e.id,
      e.url,
      e.event_types.join(','),
      e.enabled ? 'enabled' : `disabled ${when(e.disabled_at)}`,
      String(e.consecutive_failures),
      e.disabled_reason ?? '',
    ]);
    out(formatTable(['ID', 'URL', 'EVENT TYPES', 'STATE', 'FAILURES', 'WHY DISABLED'], rows));
  });
}

/** `fluxo webhooks deliveries <endpoint-id>`: its latest attempts, newest first. */
export async function webhooksDeliveriesCommand(endpointId: string, options: { limit: number }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const endpoint = await endpointOf(deps, endpointId);
    const attempts = await listDeliveryAttempts(deps.controlPlane, endpoint.id, { after: null, limit: options.limit });
    if (attempts.length === 0) return out('No delivery attempts.');
    const rows = attempts.map((a) => [
      a.at.toISOString(),
      a.event_id,
      String(a.attempt),
      a.status_code === null ? '—' : String(a.status_code),
      `${a.latency_ms} ms`,
      when(a.next_attempt_at),
      (a.error ?? '').slice(0, 60),
    ]);
    out(formatTable(['AT', 'EVENT', 'ATTEMPT', 'STATUS', 'LATENCY', 'NEXT ATTEMPT', 'ERROR'], rows));
  });
}

/** `fluxo webhooks create --company <slug> --url <url> --events a,b`: prints the secret once. */
export async function webhooksCreateCommand(options: { company: string; url: string; events: string; description?: string }): Promise<void> {
  const config = configWithDatabaseUrl();
  await withAccessDeps(config, async (deps) => {
    const companyId = await companyIdOf(deps, options.company);
    const eventTypes = options.events
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const policy = { allowLoopback: config.webhooks.allowLoopback, holds: () => true };
    const { endpoint, secret } = await inControlPlaneTransaction(deps.controlPlane, cliActor(), 'createWebhookEndpoint', (trx, actor) =>
      webhooks.createWebhookEndpoint(trx, { companyId, url: options.url, eventTypes, description: options.description }, policy, actor),
    );
    out(`endpoint: ${endpoint.id}\nsecret:   ${secret}\n(store the secret now: it is not shown again)`);
  });
}

/** `fluxo webhooks rotate <endpoint-id>`: a new secret, the old one signing beside it for the overlap. */
export async function webhooksRotateCommand(endpointId: string, options: { overlapHours: number }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const endpoint = await endpointOf(deps, endpointId);
    const rotated = await inControlPlaneTransaction(deps.controlPlane, cliActor(), 'rotateWebhookSecret', (trx, actor) =>
      webhooks.rotateWebhookSecret(trx, endpoint, options.overlapHours, actor),
    );
    out(`secret: ${rotated.secret}\nthe previous secret also signs until ${when(rotated.endpoint.previous_secret_expires_at)}`);
  });
}

/** `fluxo webhooks redeliver <endpoint-id> --event <id>`: the event goes to the endpoint again, as a new round of attempts. */
export async function webhooksRedeliverCommand(endpointId: string, options: { event?: string; delivery?: string }): Promise<void> {
  await withAccessDeps(configWithDatabaseUrl(), async (deps) => {
    const endpoint = await endpointOf(deps, endpointId);
    const eventId = await inControlPlaneTransaction(deps.controlPlane, cliActor(), 'redeliverWebhook', (trx, actor) =>
      webhooks.redeliverWebhook(trx, endpoint, { eventId: options.event, deliveryId: options.delivery }, actor),
    );
    out(`queued event ${eventId} for ${endpoint.url}`);
  });
}

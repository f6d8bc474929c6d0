import client from 'prom-client';
import { sql } from 'kysely';
import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import type { ModuleName } from '../platform/modules';
import type { OutboundPolicy } from '../platform/outbound-address';
import type { TenantPoolManager } from '../platform/tenant-pools';
import { webhookHeaders } from '../platform/webhook-signing';
import type { WorkerCompanion } from './public-events';
import { sendWebhook, type SendResult } from './webhook-sender';

export interface WebhookRunnerOptions {
  /** Requests in flight at once, all endpoints together. */
  concurrency: number;
  /** Requests in flight to one endpoint: a slow endpoint holds at most this many slots. */
  perEndpoint: number;
  timeoutMillis: number;
  pollMillis: number;
  /** Delay before the n-th retry; after the last one fails the delivery is FAILED. */
  retryDelaysMillis: readonly number[];
  /** Each delay is moved by up to this fraction either way, so retries of many deliveries spread out. */
  jitter: number;
  disableAfterMillis: number;
  disableAfterFailures: number;
  policy: OutboundPolicy;
  /**
   * With database roles on, the role the audit row is written as: the
   * worker's login holds no rights of its own in a tenant database, and the
   * event's module's role may append to the audit log.
   */
  auditRole?: (module: ModuleName) => string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const DEFAULT_WEBHOOK_RUNNER_OPTIONS: WebhookRunnerOptions = {
  concurrency: 16,
  perEndpoint: 2,
  timeoutMillis: 10 * SECOND,
  pollMillis: SECOND,
  // About a day in all, as the Standard Webhooks guidance suggests.
  retryDelaysMillis: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR],
  jitter: 0.2,
  disableAfterMillis: 5 * 24 * HOUR,
  disableAfterFailures: 20,
  policy: { allowLoopback: false },
};

/** Webhook deliveries by outcome; the worker's /metrics serves this registry beside the relay's. */
export const webhookMetrics = (() => {
  const registry = new client.Registry();
  const deliveries = new client.Counter({
    name: 'fluxo_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: success, failure (HTTP status, timeout, connection), refused (address not public).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return { registry, deliveries };
})();

interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  company_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  type: string;
  module: ModuleName;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

export function retryDelayMillis(attempt: number, options: Pick<WebhookRunnerOptions, 'retryDelaysMillis' | 'jitter'>, random = Math.random): number | null {
  const base = options.retryDelaysMillis[attempt - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 + options.jitter * (2 * random() - 1)));
}

/** The body of a delivery, in the Standard Webhooks shape: type, timestamp, data. */
export function webhookBody(event: Pick<ClaimedDelivery, 'type' | 'occurred_at' | 'payload'>): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurred_at.toISOString(), data: event.payload });
}

/**
 * Delivers queued webhooks from the control plane, beside the relay and
 * independent of it. Due deliveries are leased with FOR UPDATE SKIP LOCKED (the
 * lease moves next_attempt_at past the timeout, so a worker that dies only
 * delays them), so any number of workers share the queue. Slots are bounded
 * overall and per endpoint: a slow endpoint fills its own slots, never
 * another company's.
 */
export class WebhookRunner implements WorkerCompanion {
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private claiming = false;
  private claimAgain = false;
  private stopped = false;

  constructor(
    private readonly controlPlane: ControlPlane,
    private readonly tenantPools: TenantPoolManager | null,
    private readonly logger: Logger,
    private readonly options: WebhookRunnerOptions = DEFAULT_WEBHOOK_RUNNER_OPTIONS,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.claimDue(), this.options.pollMillis);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Claims what is due now and waits for those deliveries to finish (tests and the bench drive it so). */
  async runOnce(): Promise<number> {
    const started = await this.claimDue();
    await this.idle();
    return started;
  }

  /** Claims what is due within the free slots and starts sending it, without waiting for the answers; returns how many started. */
  async claimDue(): Promise<number> {
    if (this.stopped) return 0;
    if (this.claiming) {
      this.claimAgain = true;
      return 0;
    }
    this.claiming = true;
    try {
      const free = this.options.concurrency - this.running.size;
      if (free <= 0) return 0;
      const claimed = await this.claim(free);
      for (const delivery of claimed) this.launch(delivery);
      return claimed.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not claim webhook deliveries');
      return 0;
    } finally {
      this.claiming = false;
      if (this.claimAgain && this.timer) {
        this.claimAgain = false;
        void this.claimDue();
      }
    }
  }

  private launch(delivery: ClaimedDelivery): void {
    this.inFlight.set(delivery.endpoint_id, (this.inFlight.get(delivery.endpoint_id) ?? 0) + 1);
    const run = this.deliver(delivery)
      .catch((error: unknown) => this.logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery could not be recorded'))
      .finally(() => {
        const left = (this.inFlight.get(delivery.endpoint_id) ?? 1) - 1;
        if (left > 0) this.inFlight.set(delivery.endpoint_id, left);
        else this.inFlight.delete(delivery.endpoint_id);
        this.running.delete(run);
        // In the loop, a freed slot is filled at once rather than at the next poll: a backlog drains at full speed.
        if (this.timer) void this.claimDue();
      });
    this.running.add(run);
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const busy = [...this.inFlight].filter(([, n]) => n >= this.options.perEndpoint).map(([id]) => id);
    const leaseSeconds = (this.options.timeoutMillis + 30 * SECOND) / 1000;
    const { rows } = await sql<ClaimedDelivery>`
      WITH candidate AS (
        SELECT d.id, row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at) AS nth
        FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
        WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND e.enabled AND NOT (d.endpoint_id = ANY (${busy}::uuid[]))
      ), leased AS (
        SELECT d.id FROM webhook_delivery d JOIN candidate c ON c.id = d.id
        WHERE c.nth <= ${this.options.perEndpoint} AND d.status = 'PENDING' AND d.next_attempt_at <= now()
        ORDER BY d.next_attempt_at LIMIT ${limit}
        FOR UPDATE OF d SKIP LOCKED
      ), moved AS (
        UPDATE webhook_delivery d SET next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
        FROM leased WHERE d.id = leased.id
        RETURNING d.id, d.endpoint_id, d.event_id, d.attempts
      )
      SELECT m.id, m.endpoint_id, m.event_id, m.attempts, e.company_id, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at,
        ev.type, ev.module, ev.occurred_at, ev.payload
      FROM moved m JOIN webhook_endpoint e ON e.id = m.endpoint_id JOIN public_event ev ON ev.id = m.event_id`.execute(this.controlPlane);
    return rows;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const now = new Date();
    const secrets = [delivery.secret];
    if (delivery.previous_secret && delivery.previous_secret_expires_at && delivery.previous_secret_expires_at > now) secrets.push(delivery.previous_secret);
    const body = webhookBody(delivery);
    const result = await sendWebhook(delivery.url, webhookHeaders(secrets, delivery.event_id, now, body), body, this.options);
    const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    webhookMetrics.deliveries.inc({ outcome: succeeded ? 'success' : result.refused ? 'refused' : 'failure' });
    const disabled = await this.record(delivery, result, succeeded);
    if (disabled) await this.tellOwner(delivery, disabled);
  }

  /** Records the attempt and its consequences in one transaction; returns the reason when the endpoint was disabled by it. */
  private async record(delivery: ClaimedDelivery, result: SendResult, succeeded: boolean): Promise<string | null> {
    const attempt = delivery.attempts + 1;
    const delay = succeeded ? null : retryDelayMillis(attempt, this.options);
    const status = succeeded ? 'SUCCEEDED' : delay === null ? 'FAILED' : 'PENDING';
    return this.controlPlane.transaction().execute(async (trx) => {
      const next = await sql<{ next_attempt_at: Date | null }>`
        UPDATE webhook_delivery SET attempts = ${attempt}, status = ${status},
          next_attempt_at = CASE WHEN ${delay}::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => ${(delay ?? 0) / 1000}) END
        WHERE id = ${delivery.id}
        RETURNING CASE WHEN status = 'PENDING' THEN next_attempt_at END AS next_attempt_at`.execute(trx);
      await trx
        .insertInto('webhook_delivery_attempt')
        .values({
          delivery_id: delivery.id,
          endpoint_id: delivery.endpoint_id,
          event_id: delivery.event_id,
          attempt,
          status_code: result.statusCode,
          latency_ms: result.latencyMillis,
          response_body: result.body,
          error: result.error ?? (succeeded ? null : `HTTP ${result.statusCode}`),
          next_attempt_at: next.rows[0]?.next_attempt_at ?? null,
        })
        .execute();
      if (succeeded) {
        await trx.updateTable('webhook_endpoint').set({ consecutive_failures: 0, failing_since: null }).where('id', '=', delivery.endpoint_id).execute();
        return null;
      }
      const endpoint = await trx
        .updateTable('webhook_endpoint')
        .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), failing_since: sql<Date>`coalesce(failing_since, now())` }))
        .where('id', '=', delivery.endpoint_id)
        .returning(['enabled', 'consecutive_failures', 'failing_since', sql<Date>`now()`.as('now')])
        .executeTakeFirst();
      if (!endpoint?.enabled || endpoint.consecutive_failures < this.options.disableAfterFailures) return null;
      if (endpoint.now.getTime() - (endpoint.failing_since ?? endpoint.now).getTime() < this.options.disableAfterMillis) return null;
      const reason = `disabled after ${endpoint.consecutive_failures} failed attempts in a row since ${endpoint.failing_since?.toISOString()}`;
      await trx
        .updateTable('webhook_endpoint')
        .set({ enabled: false, disabled_at: endpoint.now, disabled_reason: reason, updated_at: endpoint.now })
        .where('id', '=', delivery.endpoint_id)
        .execute();
      return reason;
    });
  }

  /** Writes the disabling into the company's audit log, where its owners look; the endpoint's state says it too. */
  private async tellOwner(delivery: ClaimedDelivery, reason: string): Promise<void> {
    this.logger.warn({ endpointId: delivery.endpoint_id, companyId: delivery.company_id, reason }, 'webhook endpoint disabled');
    if (!this.tenantPools) return;
    const tenant = await this.controlPlane
      .selectFrom('tenant')
      .select(['database_name', 'shard'])
      .where('company_id', '=', delivery.company_id)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirst();
    if (!tenant) return;
    const role = this.options.auditRole?.(delivery.module);
    await this.tenantPools.using(tenant.shard, tenant.database_name, (db) =>
      db.transaction().execute(async (trx) => {
        if (role) await sql`SET LOCAL ROLE ${sql.id(role)}`.execute(trx);
        await sql`
          INSERT INTO audit.audit_log (module, operation, entity, entity_id, after)
          VALUES ('ACCESS', 'disableWebhookEndpoint', 'WebhookEndpoint', ${delivery.endpoint_id},
                  ${JSON.stringify({ enabled: false, reason, url: delivery.url })})`.execute(trx);
      }),
    );
  }
}

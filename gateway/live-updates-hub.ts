import pg from 'pg';
import { listenOn } from '../platform/notifications';
import type { ControlPlane } from '../platform/control-plane';
import type { PublicEventRow } from '../platform/control-plane/public-event.table';
import type { Logger } from '../platform/logger';
import { PUBLIC_EVENTS_CHANNEL } from '../subgraphs/contracts/public-events';

/** A public event as live updates carry it: the stored row, its seq as the stream's event id. */
export type LiveEvent = Pick<PublicEventRow, 'id' | 'seq' | 'company_id' | 'type' | 'module' | 'occurred_at' | 'payload'>;

/** One connected client's share of the hub: it hears its company's events, in the order they were announced. */
export interface HubSubscriber {
  companyId: string;
  deliver(event: LiveEvent): void;
  /** The hub stops (the gateway stops): the client's stream ends. */
  end(): void;
}

export interface LiveEventHubOptions {
  /** Notifications gathered into one control-plane read, at most. */
  maxBatch: number;
}

const COLUMNS = ['id', 'seq', 'company_id', 'type', 'module', 'occurred_at', 'payload'] as const;

/**
 * The gateway's one LISTEN connection on PUBLIC_EVENTS_CHANNEL, whatever the
 * number of tenants or clients: the worker announces each recorded public
 * event's id there, the hub reads the rows announced together in one query
 * and hands each to the subscribers of its company, in memory. Every replica
 * hears every announcement, so a client may connect to any of them.
 *
 * While the connection is down nothing is heard; on reconnecting the hub
 * reads what was recorded meanwhile (from the highest seq it had seen), so a
 * listener's outage delays events rather than losing them.
 */
export class LiveEventHub {
  private readonly subscribers = new Map<string, Set<HubSubscriber>>();
  private listener: pg.Client | null = null;
  private stopped = false;
  private pending: string[] = [];
  private reading: Promise<void> = Promise.resolve();
  private scheduled = false;
  /** The highest seq handed out: where a reconnect catches up from. */
  private highestSeq: bigint | null = null;

  constructor(
    private readonly db: ControlPlane,
    private readonly controlPlaneUrl: string,
    private readonly logger: Logger,
    private readonly options: LiveEventHubOptions = { maxBatch: 500 },
  ) {}

  async start(): Promise<void> {
    await this.listen();
    const { max } = await this.db
      .selectFrom('public_event')
      .select((eb) => eb.fn.max('seq').as('max'))
      .executeTakeFirstOrThrow();
    this.highestSeq ??= max === null ? 0n : BigInt(max);
  }

  /** The highest seq announced so far: a client that resumes from it misses nothing recorded after it connected. */
  get position(): string | null {
    return this.highestSeq === null ? null : String(this.highestSeq);
  }

  /** Ends every client's stream and the LISTEN connection; the gateway's drain then has nothing open to wait for. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const set of this.subscribers.values()) for (const s of set) s.end();
    this.subscribers.clear();
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
    await this.reading;
  }

  /** Adds a client; the returned function removes it (on disconnect). */
  subscribe(subscriber: HubSubscriber): () => void {
    if (this.stopped) {
      subscriber.end();
      return () => undefined;
    }
    let set = this.subscribers.get(subscriber.companyId);
    if (!set) this.subscribers.set(subscriber.companyId, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(subscriber.companyId) === set) this.subscribers.delete(subscriber.companyId);
    };
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.controlPlaneUrl, application_name: 'fluxo-gateway-live-updates' });
    client.on('notification', (msg) => {
      if (msg.channel === PUBLIC_EVENTS_CHANNEL && msg.payload) this.announced(msg.payload);
    });
    client.on('error', (error) => {
      if (this.listener !== client) return; // a failed connection attempt: listen() reports it
      this.logger.warn({ err: error }, 'live updates listener lost its connection; reconnecting');
      this.listener = null;
      void client.end().catch(() => undefined);
      this.reconnect();
    });
    await listenOn(client, PUBLIC_EVENTS_CHANNEL);
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnected = this.highestSeq !== null;
    this.listener = client;
    if (reconnected) this.schedule(() => this.catchUp());
  }

  private reconnect(): void {
    if (this.stopped) return;
    setTimeout(() => {
      this.listen().catch((error: unknown) => {
        this.logger.error({ err: error }, 'live updates listener reconnect failed; retrying');
        this.reconnect();
      });
    }, 500).unref();
  }

  /** Ids heard in the same turn are read together: one query per burst, not per event. */
  private announced(id: string): void {
    this.pending.push(id);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.schedule(() => this.readAnnounced());
    });
  }

  /** Reads run one after another, so events reach clients in the order they were announced. */
  private schedule(read: () => Promise<void>): void {
    this.reading = this.reading.then(read).catch((error: unknown) => this.logger.warn({ err: error }, 'live updates could not read public events'));
  }

  private async readAnnounced(): Promise<void> {
    while (this.pending.length > 0 && !this.stopped) {
      const ids = this.pending.splice(0, this.options.maxBatch);
      const rows = await this.db.selectFrom('public_event').select(COLUMNS).where('id', 'in', ids).execute();
      // Announcement order is commit order; the read returns the rows in any order.
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const row = byId.get(id);
        if (row) this.dispatch(row);
      }
    }
  }

  /** After an outage of the listener: what was recorded since the highest seq seen, in seq order. */
  private async catchUp(): Promise<void> {
    for (;;) {
      if (this.stopped || this.highestSeq === null) return;
      const rows = await this.db
        .selectFrom('public_event')
        .select(COLUMNS)
        .where('seq', '>', String(this.highestSeq))
        .orderBy('seq')
        .limit(this.options.maxBatch)
        .execute();
      for (const row of rows) this.dispatch(row);
      if (rows.length < this.options.maxBatch) return;
    }
  }

  private dispatch(event: LiveEvent): void {
    const seq = BigInt(event.seq);
    if (this.highestSeq === null || seq > this.highestSeq) this.highestSeq = seq;
    const set = this.subscribers.get(event.company_id);
    if (!set) return;
    for (const subscriber of set) subscriber.deliver(event);
  }
}

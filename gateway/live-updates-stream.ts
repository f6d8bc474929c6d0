import type { ControlPlane } from '../platform/control-plane';
import type { HubSubscriber, LiveEvent, LiveEventHub } from './live-updates-hub';

export interface LiveStreamOptions {
  hub: LiveEventHub;
  db: ControlPlane;
  companyId: string;
  /** Whether this client may see (and asked for) an event of this public type. */
  accepts: (type: string) => boolean;
  /** Resume after this seq: recorded events after it are read from the control plane first. */
  after: bigint | null;
  /** Rows read per replay query. */
  replayPageSize: number;
  /** Events held for a client that reads slower than they come (here and in `backlog`); past it the stream ends and the client resumes. */
  maxQueued: number;
  /** Events already handed to GraphQL but not yet written to the client's socket. */
  backlog?: () => number;
  /** Called with each event's seq as it is handed to GraphQL, in order. */
  onYield: (seq: string) => void;
  /** The stream ended on its own (gateway stopping, credential revoked, client too slow). */
  onEnd?: (reason: 'stopped' | 'overflow') => void;
}

/**
 * One client's events as an async iterator, which graphql-js maps through the
 * subscription's resolver: first what was recorded after `after` (read from
 * public_event page by page, within the retention window), then the events the
 * hub hands over, which it buffers from the moment the stream exists so
 * nothing recorded during the replay is lost. An event both replayed and
 * heard live is sent once. `return()` (the client went away) leaves the hub.
 */
export class LiveStream implements AsyncIterableIterator<LiveEvent>, HubSubscriber {
  readonly companyId: string;
  private readonly live: LiveEvent[] = [];
  private replay: LiveEvent[] = [];
  private replayAfter: bigint | null;
  /** Ids sent by the replay, until a live event newer than all of them shows the replay is behind. */
  private replayed: Set<string> | null = null;
  private replayedUpTo = 0n;
  private waiting: ((result: IteratorResult<LiveEvent>) => void) | null = null;
  private done = false;
  private readonly leaveHub: () => void;

  constructor(private readonly options: LiveStreamOptions) {
    this.companyId = options.companyId;
    this.replayAfter = options.after;
    if (options.after !== null) this.replayed = new Set();
    this.leaveHub = options.hub.subscribe(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  deliver(event: LiveEvent): void {
    if (this.done || !this.options.accepts(event.type)) return;
    if (this.waiting && this.replayAfter === null && this.live.length === 0) {
      if (this.isReplayed(event)) return;
      const resolve = this.waiting;
      this.waiting = null;
      this.options.onYield(String(event.seq));
      resolve({ value: event, done: false });
      return;
    }
    this.live.push(event);
    if (this.live.length + (this.options.backlog?.() ?? 0) > this.options.maxQueued) this.finish('overflow');
  }

  end(): void {
    this.finish('stopped');
  }

  async next(): Promise<IteratorResult<LiveEvent>> {
    for (;;) {
      if (this.done) return { value: undefined, done: true };
      if (this.replay.length === 0 && this.replayAfter !== null) await this.readReplayPage();
      const event = this.replay.shift() ?? this.nextLive();
      if (event) {
        this.options.onYield(String(event.seq));
        return { value: event, done: false };
      }
      if (this.replayAfter !== null) continue;
      return new Promise((resolve) => (this.waiting = resolve));
    }
  }

  async return(): Promise<IteratorResult<LiveEvent>> {
    this.finish(null);
    return { value: undefined, done: true };
  }

  private nextLive(): LiveEvent | undefined {
    if (this.replayAfter !== null) return undefined;
    for (;;) {
      const event = this.live.shift();
      if (!event || !this.isReplayed(event)) return event;
    }
  }

  private isReplayed(event: LiveEvent): boolean {
    if (this.replayed === null) return false;
    if (this.replayed.has(event.id)) return true;
    if (BigInt(event.seq) > this.replayedUpTo) this.replayed = null;
    return false;
  }

  private async readReplayPage(): Promise<void> {
    const after = this.replayAfter!;
    const rows = await this.options.db
      .selectFrom('public_event')
      .select(['id', 'seq', 'company_id', 'type', 'module', 'occurred_at', 'payload'])
      .where('company_id', '=', this.companyId)
      .where('seq', '>', String(after))
      .orderBy('seq')
      .limit(this.options.replayPageSize)
      .execute();
    if (rows.length < this.options.replayPageSize) this.replayAfter = null;
    else this.replayAfter = BigInt(rows[rows.length - 1]!.seq);
    for (const row of rows) {
      this.replayed?.add(row.id);
      const seq = BigInt(row.seq);
      if (seq > this.replayedUpTo) this.replayedUpTo = seq;
      if (this.options.accepts(row.type)) this.replay.push(row);
    }
  }

  private finish(reason: 'stopped' | 'overflow' | null): void {
    if (this.done) return;
    this.done = true;
    this.leaveHub();
    this.live.length = 0;
    this.replay = [];
    if (reason) this.options.onEnd?.(reason);
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.({ value: undefined, done: true });
  }
}

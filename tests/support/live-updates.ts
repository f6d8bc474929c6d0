/** One message of an event stream: its SSE id (if any), its event name and its data parsed as JSON. */
export interface StreamMessage {
  id: string | null;
  event: string;
  data: unknown;
}

/** The `data` of a `next` message: one GraphQL execution result. */
export interface NextData<T = Record<string, unknown>> {
  data?: { events?: T } | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface LiveStreamClient {
  status: number;
  /** `next` and `complete` messages, in order. */
  messages: StreamMessage[];
  /** The last SSE id the stream sent (an event's, or the position sent on opening): what a reconnect sends as Last-Event-ID. */
  lastEventId: string | null;
  /** Every SSE id the stream sent, in order, those of id-only messages included. */
  ids: string[];
  /** The `next` message after the `index`-th (0: the first), once it arrives; rejects at the deadline or when the stream ends first. */
  next(index: number, ms?: number): Promise<StreamMessage>;
  /** The first `next` messages until `count` match, waiting up to `ms`. */
  collect(count: number, matches: (m: StreamMessage) => boolean, ms?: number): Promise<StreamMessage[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export type LiveStreamOpening = { ok: true; client: LiveStreamClient } | { ok: false; status: number; body: unknown };

/** Splits SSE text into messages; comments (pings) and id-only messages update nothing but the id. */
function parseBlock(block: string): { id: string | null; event: string | null; data: string | null } {
  let id: string | null = null;
  let event: string | null = null;
  let data: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data = data === null ? value : `${data}\n${value}`;
  }
  return { id, event, data };
}

/**
 * Opens a live updates stream over plain HTTP as any SSE client would
 * (`Accept: text/event-stream`, the operation in a JSON body, Last-Event-ID on
 * a reconnect) and reads it as it comes. `gatewayUrl` is the /graphql URL.
 */
export async function openLiveStream(
  gatewayUrl: string,
  options: { token?: string; query: string; variables?: Record<string, unknown>; lastEventId?: string | null; headers?: Record<string, string> },
): Promise<LiveStreamOpening> {
  const abort = new AbortController();
  const response = await fetch(`${gatewayUrl}/stream`, {
    method: 'POST',
    signal: abort.signal,
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query: options.query, variables: options.variables }),
  });
  if (response.status !== 200 || !response.body) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { ok: false, status: response.status, body };
  }
  const messages: StreamMessage[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const client: LiveStreamClient = {
    status: response.status,
    messages,
    lastEventId: null,
    ids: [],
    ended: Promise.resolve(),
    next: (index, ms = 10_000) => client.collect(index + 1, () => true, ms).then((found) => found[index]!),
    collect: (count, matches, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.filter((m) => m.event === 'next' && matches(m));
          if (found.length >= count) return done(() => resolve(found.slice(0, count)));
          if (finished) return done(() => reject(new Error(`the stream ended after ${found.length} of ${count} messages: ${JSON.stringify(messages)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${count} messages did not arrive within ${ms} ms; got ${JSON.stringify(messages)}`))), ms);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
    close: () => abort.abort(),
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  client.ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: RegExpExecArray | null;
        while ((end = /\r?\n\r?\n/.exec(buffer))) {
          const block = parseBlock(buffer.slice(0, end.index));
          buffer = buffer.slice(end.index + end[0].length);
          if (block.id !== null) {
            client.lastEventId = block.id;
            client.ids.push(block.id);
          }
          if (block.event !== null) messages.push({ id: block.id, event: block.event, data: block.data ? JSON.parse(block.data) : null });
        }
        wake();
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      finished = true;
      wake();
    }
  })();
  return { ok: true, client };
}

/** Opens a stream that must open (HTTP 200). */
export async function liveStream(gatewayUrl: string, options: Parameters<typeof openLiveStream>[1]): Promise<LiveStreamClient> {
  const opened = await openLiveStream(gatewayUrl, options);
  if (!opened.ok) throw new Error(`the stream was refused: ${opened.status} ${JSON.stringify(opened.body)}`);
  return opened.client;
}

/** The event of a `next` message, typed as the test selected it. */
export function eventOf<T = Record<string, unknown>>(message: StreamMessage): T {
  const data = message.data as NextData<T>;
  if (data.errors) throw new Error(`the stream sent errors: ${JSON.stringify(data.errors)}`);
  return data.data!.events!;
}

import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, request } from 'undici';

/**
 * Subgraph fetcher on undici's keep-alive pool: connections to subgraphs are
 * reused across requests instead of being opened per fetch. Callers bound
 * each call's time themselves (guardedFetcher).
 */
export function keepAliveFetcher(options: { connections: number } = { connections: 32 }): { fetcher: Fetcher; close: () => Promise<void> } {
  // No header or body timers of undici's own: every call runs under the subgraph's deadline (see ./subgraph-breaker),
  // which aborts it, and a connection's timers were re-armed twice per request.
  const dispatcher = new Agent({ connections: options.connections, keepAliveTimeout: 30_000, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
  const fetcher: Fetcher = async (url: string, init?: FetcherRequestInit) => {
    const headers: Record<string, string> = {};
    const source = init?.headers;
    if (source) for (const [name, value] of Object.entries(source)) headers[name.toLowerCase()] = value;
    const response = await request(url, {
      method: (init?.method ?? 'POST') as 'POST',
      headers,
      body: init?.body,
      dispatcher,
      signal: init?.signal as AbortSignal | undefined,
    });
    const body = await response.body.text();
    return new SubgraphAnswer(url, response.statusCode, new AnswerHeaders(response.headers), body);
  };
  return { fetcher, close: () => dispatcher.close() };
}

/**
 * A subgraph's answer, read whole, as the gateway's data source reads it:
 * `json()` parses the text already in hand. (A WHATWG Response built around
 * the text encoded it into a stream that `json()` then read back and decoded:
 * a Response, a Headers and a stream per fetch.)
 */
export class SubgraphAnswer implements FetcherResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly statusText = '';
  readonly ok: boolean;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: FetcherHeaders,
    private readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.body, 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): SubgraphAnswer {
    return new SubgraphAnswer(this.url, this.status, new AnswerHeaders(Object.fromEntries(this.headers)), this.body);
  }
}

/** An answer's headers by lower-case name; a header sent more than once reads as its values joined with ", ", as in fetch. */
export class AnswerHeaders implements FetcherHeaders {
  private readonly byName = new Map<string, string>();

  constructor(raw: Record<string, string | string[] | undefined>) {
    for (const [name, value] of Object.entries(raw))
      if (value !== undefined) this.byName.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.byName.set(name.toLowerCase(), value);
  }

  append(name: string, value: string): void {
    const before = this.get(name);
    this.set(name, before === null ? value : `${before}, ${value}`);
  }

  delete(name: string): void {
    this.byName.delete(name.toLowerCase());
  }

  entries(): IterableIterator<[string, string]> {
    return this.byName.entries();
  }

  keys(): IterableIterator<string> {
    return this.byName.keys();
  }

  values(): IterableIterator<string> {
    return this.byName.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.byName.entries();
  }
}

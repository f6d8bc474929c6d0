import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
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
  const fetcher = (async (url: string, init?: FetcherRequestInit) => {
    const headers: Record<string, string> = {};
    const source = init?.headers as Record<string, string> | undefined;
    if (source) for (const [name, value] of Object.entries(source)) headers[name.toLowerCase()] = value;
    const response = await request(url, {
      method: (init?.method ?? 'POST') as 'POST',
      headers,
      body: init?.body as string | undefined,
      dispatcher,
      signal: init?.signal as AbortSignal | undefined,
    });
    const body = await response.body.text();
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) value.forEach((v) => responseHeaders.append(name, v));
      else if (value !== undefined) responseHeaders.set(name, value);
    }
    return new Response(body, { status: response.statusCode, headers: responseHeaders });
  }) as unknown as Fetcher;
  return { fetcher, close: () => dispatcher.close() };
}

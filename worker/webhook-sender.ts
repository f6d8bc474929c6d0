import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { checkedAddress, OutboundAddressRefused, type CheckedAddress, type OutboundPolicy } from '../platform/outbound-address';

/** What one webhook request came to. */
export interface SendResult {
  statusCode: number | null;
  /** The start of the response body, at most RESPONSE_BODY_BYTES. */
  body: string | null;
  error: string | null;
  latencyMillis: number;
  /** The address was refused before any connection (SSRF guard). */
  refused: boolean;
}

export const RESPONSE_BODY_BYTES = 1024;

/** A lookup that answers with the address already checked, whatever DNS would say now. */
function pinnedLookup(pinned: CheckedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as LookupFunction;
}

async function readStart(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_BYTES) break; // leaving the loop destroys the stream: no reason to read a large reply
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_BYTES).toString('utf8');
}

/**
 * POSTs a signed body to an endpoint: its host resolved and checked, the
 * connection made to that very address (TLS still checks the name), no
 * redirect followed (a 3xx is a failed attempt), and the whole exchange
 * bounded by the timeout.
 */
export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { policy: OutboundPolicy; timeoutMillis: number },
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let agent: Agent | undefined;
  try {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`unsupported scheme ${target.protocol}`);
    const pinned = await checkedAddress(target.hostname, options.policy);
    agent = new Agent({ connect: { lookup: pinnedLookup(pinned), timeout: options.timeoutMillis }, pipelining: 0 });
    const response = await request(target, {
      method: 'POST',
      dispatcher: agent,
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Fluxo-Webhooks/1' },
      body,
      signal: AbortSignal.timeout(options.timeoutMillis),
    });
    const text = await readStart(response.body);
    return { statusCode: response.statusCode, body: text, error: null, latencyMillis: elapsed(), refused: false };
  } catch (error) {
    const refused = error instanceof OutboundAddressRefused;
    const message = error instanceof Error ? error.message : String(error);
    return { statusCode: null, body: null, error: message.slice(0, 1000), latencyMillis: elapsed(), refused };
  } finally {
    void agent?.close().catch(() => undefined);
  }
}

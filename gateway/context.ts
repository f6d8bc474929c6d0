import type { Logger } from '../platform/logger';
import type { Caller } from './caller';

/** Per-request gateway context: the caller and the signed tenant context sent to subgraphs. */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  clientAddress: string;
  traceparent: string | null;
  logger: Logger;
  /** Signed once per request, on first use, and reused by every subgraph fetch. */
  signedContext: () => Promise<string>;
}

import type { Logger } from '../platform/logger';
import type { SignedCaller } from '../platform/tenant-context';
import type { Caller } from './caller';

/** Per-request gateway context: the caller and the signed tenant context sent to subgraphs. */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  clientAddress: string;
  traceparent: string | null;
  logger: Logger;
  /** What the signed context says: the caller as this request's credential verified, with the client's address. */
  signedCaller: SignedCaller;
  /** The caller's signed context (shared with its other requests while fresh), sent on every subgraph fetch. */
  signedContext: () => Promise<string>;
}

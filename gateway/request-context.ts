import { randomUUID, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../platform/logger';
import { REQUEST_ID_HEADER, TenantContextSigner } from '../platform/tenant-context';
import { credentialForGuessing, presentsCredential, type Caller } from './caller';
import type { GatewayContext } from './context';
import type { credentialGuard, requestBudget } from './limits';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestContextDeps {
  /** Who presents the request's credential (refuses a credential that is not valid). */
  identify: (req: IncomingMessage) => Promise<Caller>;
  guardCredentials: ReturnType<typeof credentialGuard>;
  spendBudget: ReturnType<typeof requestBudget>;
  /** The caller as it acts: the operator for the company it names (X-Fluxo-Company); refuses the header from anyone else. */
  actingFor?: (req: IncomingMessage, caller: Caller) => Promise<Caller>;
  /** Refuses a credential used from another company's console origin. */
  checkOrigin?: (req: IncomingMessage, caller: Caller) => void;
  contextPrivateKey: KeyObject;
  logger: Logger;
}

/**
 * Builds each GraphQL request's context: its request id (the client's, when it
 * is safe to log), the caller behind its credential, its rate budget, a logger
 * that names request, tenant and key, and the tenant context to sign for the
 * subgraphs. An error thrown here is answered with its code and HTTP status.
 * The signed context is the caller's, reused across its requests (see TenantContextSigner).
 */
export function requestContextBuilder(deps: RequestContextDeps): (args: { req: IncomingMessage }) => Promise<GatewayContext> {
  const signer = new TenantContextSigner(deps.contextPrivateKey);
  return async ({ req }) => {
    const inbound = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof inbound === 'string' && SAFE_REQUEST_ID.test(inbound) ? inbound : randomUUID();
    const clientAddress = req.socket.remoteAddress ?? 'unknown';
    const identify = () => deps.identify(req);
    // Only requests that present a credential count towards (or are stopped by) the guessing limit.
    const verified = await (
      presentsCredential(req.headers) ? deps.guardCredentials(clientAddress, credentialForGuessing(req.headers), identify) : identify()
    ).catch((error: unknown) => {
      deps.logger.child({ requestId }).info({ reason: error instanceof Error ? error.message : 'invalid' }, 'refused credential');
      throw error;
    });
    // After the credential is judged: naming a company is not guessing a credential.
    const caller = deps.actingFor ? await deps.actingFor(req, verified) : verified;
    deps.checkOrigin?.(req, caller);
    await deps.spendBudget(caller, clientAddress);
    const signedCaller = { ...caller, clientAddress };
    let signed: Promise<string> | undefined;
    const traceparent = req.headers.traceparent;
    return {
      requestId,
      caller,
      clientAddress,
      traceparent: typeof traceparent === 'string' ? traceparent : null,
      // One child logger per request, made once the caller is known (a child costs its bindings' serialization).
      logger: deps.logger.child({ requestId, tenant: caller.tenant?.slug ?? null, keyId: caller.keyId }),
      signedCaller,
      // Looked up on the first subgraph fetch, and reused by the others.
      signedContext: () => (signed ??= signer.sign(signedCaller)),
    };
  };
}

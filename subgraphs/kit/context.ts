import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../platform/logger';
import type { ModuleName } from '../../platform/modules';
import {
  CONTEXT_HEADER,
  InvalidContextError,
  REQUEST_ID_HEADER,
  TenantContextVerifier,
  type SignedCaller,
  type TenantContext,
  type TenantRef,
} from '../../platform/tenant-context';
import { forbidden, moduleNotSubscribed, unauthenticated } from './errors';

/** What every subgraph's context starts from: the verified caller, request id and a scoped logger. */
export interface BaseContext {
  requestId: string;
  caller: TenantContext;
  logger: Logger;
  /**
   * Whether the gateway may hand this request's answer to identical requests of the same caller in flight
   * (gateway/dedup.ts): no longer once answering it recorded something, such as the audit of a reveal. Every
   * request that comes over HTTP has it; a context built in-process for a batch job may go without.
   */
  answer?: { shareable: boolean };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** One verifier, and so one cache of verified contexts, per gateway public key (in practice one per process). */
const verifiers = new WeakMap<KeyObject, TenantContextVerifier>();

function verifierFor(publicKey: KeyObject): TenantContextVerifier {
  let verifier = verifiers.get(publicKey);
  if (!verifier) verifiers.set(publicKey, (verifier = new TenantContextVerifier(publicKey)));
  return verifier;
}

/**
 * Verifies the gateway's signature on the tenant context. Anything else — no
 * header, another signer, an expired or tampered token — is a 401. A context is
 * checked once and remembered until it expires; the request id comes from its
 * own header (it is not part of the signed context, which serves many requests).
 */
export async function verifyRequestContext(headers: IncomingHttpHeaders, publicKey: KeyObject, logger: Logger): Promise<BaseContext> {
  const token = headerValue(headers, CONTEXT_HEADER);
  if (!token) {
    logger.warn({ reason: 'missing context' }, 'refused request without gateway context');
    throw unauthenticated('Requests must come through the Fluxo gateway');
  }
  let signed: SignedCaller;
  try {
    signed = await verifierFor(publicKey).verify(token);
  } catch (error) {
    const reason = error instanceof InvalidContextError ? error.message : 'unverifiable';
    logger.warn({ reason }, 'refused request with invalid gateway context');
    throw unauthenticated('The gateway context of this request is not valid');
  }
  const inbound = headerValue(headers, REQUEST_ID_HEADER);
  const requestId = inbound && SAFE_REQUEST_ID.test(inbound) ? inbound : randomUUID();
  const caller: TenantContext = { requestId, ...signed };
  const child = logger.child({ requestId, tenant: caller.tenant?.slug ?? null, keyId: caller.keyId });
  return { requestId, caller, logger: child, answer: { shareable: true } };
}

/**
 * Whether the caller may use `module`: its key grants it and its company has it. The gateway signs both; a
 * context claiming a module the company lacks is refused here rather than reaching a schema the tenant does not have.
 */
export function hasModule(ctx: BaseContext, module: ModuleName): boolean {
  return ctx.caller.modules.includes(module) && (ctx.caller.tenant?.companyModules.includes(module) ?? false);
}

/**
 * The caller of the field being resolved when that field accepts the operator
 * acting for a company (OPERATOR_FOR_COMPANY, subgraphs/kit/permissions.ts):
 * set by the field's guard around its resolver, and only there.
 */
const operatorField = new AsyncLocalStorage<TenantContext>();

/** Runs a field's resolver as one that accepts the operator acting for the company the gateway signed. */
export function asOperatorField<T>(ctx: BaseContext, resolve: () => T): T {
  return operatorField.run(ctx.caller, resolve);
}

/** Whether the caller is the operator acting for a company: the gateway signed it a tenant (X-Fluxo-Company). */
export function isOperatorForCompany(ctx: BaseContext): boolean {
  return ctx.caller.kind === 'ADMIN' && ctx.caller.tenant !== null;
}

/**
 * Root fields of a module subgraph call this first; the overview blocks use hasModule instead. The operator is
 * refused even when it acts for a company, except inside a field that opts in (asOperatorField): the company
 * header lets it manage definitions, never hire, pay, post or read records.
 */
export function requireModule(ctx: BaseContext, module: ModuleName): TenantRef {
  const tenant = ctx.caller.tenant;
  if (!tenant) {
    if (ctx.caller.kind === 'ANONYMOUS') throw unauthenticated();
    throw forbidden('This operation needs a company access key');
  }
  if (ctx.caller.kind === 'ADMIN' && operatorField.getStore() !== ctx.caller) {
    throw forbidden('The operator acting for a company may manage its custom-field definitions only');
  }
  if (!hasModule(ctx, module)) throw moduleNotSubscribed(module);
  return tenant;
}

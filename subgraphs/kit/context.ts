import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../platform/logger';
import type { ModuleName } from '../../platform/modules';
import { CONTEXT_HEADER, InvalidContextError, verifyTenantContext, type TenantContext, type TenantRef } from '../../platform/tenant-context';
import { forbidden, moduleNotSubscribed, unauthenticated } from './errors';

/** What every subgraph's context starts from: the verified caller, request id and a scoped logger. */
export interface BaseContext {
  requestId: string;
  caller: TenantContext;
  logger: Logger;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies the gateway's signature on the tenant context. Anything else — no
 * header, another signer, an expired or tampered token — is a 401.
 */
export async function verifyRequestContext(headers: IncomingHttpHeaders, publicKey: KeyObject, logger: Logger): Promise<BaseContext> {
  const token = headerValue(headers, CONTEXT_HEADER);
  if (!token) {
    logger.warn({ reason: 'missing context' }, 'refused request without gateway context');
    throw unauthenticated('Requests must come through the Fluxo gateway');
  }
  let caller: TenantContext;
  try {
    caller = await verifyTenantContext(token, publicKey);
  } catch (error) {
    const reason = error instanceof InvalidContextError ? error.message : 'unverifiable';
    logger.warn({ reason }, 'refused request with invalid gateway context');
    throw unauthenticated('The gateway context of this request is not valid');
  }
  const child = logger.child({ requestId: caller.requestId, tenant: caller.tenant?.slug ?? null, keyId: caller.keyId });
  return { requestId: caller.requestId, caller, logger: child };
}

/**
 * Whether the caller may use `module`: its key grants it and its company has it. The gateway signs both; a
 * context claiming a module the company lacks is refused here rather than reaching a schema the tenant does not have.
 */
export function hasModule(ctx: BaseContext, module: ModuleName): boolean {
  return ctx.caller.modules.includes(module) && (ctx.caller.tenant?.companyModules.includes(module) ?? false);
}

/** Root fields of a module subgraph call this first; the overview blocks use hasModule instead. */
export function requireModule(ctx: BaseContext, module: ModuleName): TenantRef {
  const tenant = ctx.caller.tenant;
  if (!tenant) {
    if (ctx.caller.kind === 'ANONYMOUS') throw unauthenticated();
    throw forbidden('This operation needs a company access key');
  }
  if (!hasModule(ctx, module)) throw moduleNotSubscribed(module);
  return tenant;
}

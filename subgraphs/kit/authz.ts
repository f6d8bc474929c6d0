import type { TenantContext } from '../../platform/tenant-context';
import { forbidden, unauthenticated } from './errors';

/**
 * A subgraph's authorization policy: named actions and who may perform them.
 * Resolvers call `assertCan(ctx.caller, 'action')` and never inspect the caller themselves.
 */
export type Policy<Action extends string, Resource = undefined> = Record<Action, (caller: TenantContext, resource: Resource) => boolean>;

export function createAuthorizer<Action extends string, Resource = undefined>(policy: Policy<Action, Resource>) {
  return function assertCan(caller: TenantContext, action: Action, resource?: Resource): void {
    if (policy[action](caller, resource as Resource)) return;
    if (caller.kind === 'ANONYMOUS') throw unauthenticated(`"${action}" needs an access key or the operator token`);
    throw forbidden(`This caller may not perform "${action}"`);
  };
}

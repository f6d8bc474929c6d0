import { withUserErrors, failWith } from '../../kit/errors';
import { assertCan } from '../authz';
import type { Resolvers } from '../generated/resolvers-types';
import { findAccessKey, issueAccessKey, revokeAccessKey } from '../services/access-keys';

export const accessKeyResolvers: Resolvers = {
  Mutation: {
    issueAccessKey: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'keys:manage', input.companyId);
      return withUserErrors(() => issueAccessKey(ctx.deps, input.companyId, input, ctx.actor));
    },
    revokeAccessKey: (_parent, { input }, ctx) =>
      withUserErrors(async () => {
        const key = await findAccessKey(ctx.deps.controlPlane, input.accessKeyId);
        // A key of another company is reported as missing, never as forbidden: ids must not leak.
        if (!key || (ctx.caller.kind !== 'ADMIN' && ctx.caller.tenant?.companyId !== key.company_id)) {
          assertCan(ctx.caller, 'keys:manage', ctx.caller.tenant?.companyId);
          failWith('input.accessKeyId', `No access key ${input.accessKeyId}`, 'NOT_FOUND');
        }
        assertCan(ctx.caller, 'keys:manage', key.company_id);
        return { accessKey: await revokeAccessKey(ctx.deps, key, ctx.actor) };
      }),
  },
  AccessKey: {
    createdAt: (k) => k.created_at,
    lastUsedAt: (k) => k.last_used_at,
    revokedAt: (k) => k.revoked_at,
  },
};

import { failWith } from '../../kit/errors';
import { assertCan, issuingKeyOf } from '../authz';
import type { AccessContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { runAccessMutation } from '../mutation';
import { issueAccessKey, mayRevoke, revokeAccessKey } from '../services/access-keys';
import { findAccessKey } from '../store/access-keys';

/** The keys the caller may list and revoke: all of a company's for the operator, its own lineage for a key. */
export function keysInView(ctx: AccessContext, companyId: string) {
  const issuer = issuingKeyOf(ctx.caller);
  return issuer ? ctx.loaders.keysWithinReach.load(issuer.id) : ctx.loaders.accessKeysOfCompany.load(companyId);
}

export const accessKeyResolvers: Resolvers = {
  Mutation: {
    issueAccessKey: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'keys:manage', input.companyId);
      return runAccessMutation(ctx, 'issueAccessKey', (trx, actor) => issueAccessKey(trx, { ...input, issuer: issuingKeyOf(ctx.caller) }, actor));
    },
    revokeAccessKey: async (_parent, { input }, ctx) => ({
      revokedDescendants: [],
      ...(await runAccessMutation(ctx, 'revokeAccessKey', async (trx, actor) => {
        const key = await findAccessKey(trx, input.accessKeyId);
        // A key of another company is reported as missing, never as forbidden: ids must not leak.
        if (!key || (ctx.caller.kind !== 'ADMIN' && ctx.caller.tenant?.companyId !== key.company_id)) {
          assertCan(ctx.caller, 'keys:manage', ctx.caller.tenant?.companyId);
          failWith('input.accessKeyId', `No access key ${input.accessKeyId}`, 'NOT_FOUND');
        }
        assertCan(ctx.caller, 'keys:manage', key.company_id);
        if (!(await mayRevoke(trx, issuingKeyOf(ctx.caller), key))) {
          failWith('input.accessKeyId', 'A key may revoke only itself and the keys issued from it; the operator revokes the others', 'KEY_NOT_MANAGEABLE');
        }
        return revokeAccessKey(trx, { key, includeDescendants: input.includeDescendants ?? false }, actor);
      })),
    }),
  },
  AccessKey: {
    createdAt: (k) => k.created_at,
    lastUsedAt: (k) => k.last_used_at,
    revokedAt: (k) => k.revoked_at,
    issuedBy: async (k, _args, ctx) => {
      if (!k.issued_by_key_id) return null;
      const visible = await keysInView(ctx, k.company_id);
      return visible.find((v) => v.id === k.issued_by_key_id) ?? null;
    },
  },
};

import { failWith, forbidden } from '../../kit/errors';
import { assertCan, issuingKeyOf, keyReachOf } from '../authz';
import type { AccessContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { runAccessMutation } from '../mutation';
import { issueAccessKey, mayRevoke, revokeAccessKey } from '../services/access-keys';
import { findAccessKey } from '../store/access-keys';

/** The keys the caller may list and revoke: all of a company's for the operator, its own lineage for a key. */
export function keysInView(ctx: AccessContext, companyId: string) {
  const reach = keyReachOf(ctx.caller);
  return reach ? ctx.loaders.keysWithinReach.load(reach.id) : ctx.loaders.accessKeysOfCompany.load(companyId);
}

export const accessKeyResolvers: Resolvers = {
  Mutation: {
    createPersonalToken: (_parent, { input }, ctx) => {
      const { caller } = ctx;
      if (caller.kind !== 'USER' || !caller.user || !caller.tenant) throw forbidden('A personal access token is created by a signed-in person');
      const days = input.expiresInDays ?? 90;
      return runAccessMutation(ctx, 'createPersonalToken', (trx, actor) => {
        if (!Number.isInteger(days) || days < 1 || days > 365) failWith('input.expiresInDays', 'A token lasts 1 to 365 days', 'INVALID_EXPIRY');
        return issueAccessKey(
          trx,
          {
            companyId: caller.tenant!.companyId,
            name: input.name,
            kind: 'STANDARD',
            modules: caller.tenant!.companyModules,
            permissions: input.permissions,
            readOnly: input.readOnly,
            issuer: issuingKeyOf(caller),
            ownerUserId: caller.user!.id,
            expiresAt: new Date(Date.now() + days * 24 * 60 * 60 * 1000),
          },
          actor,
        );
      });
    },
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
        if (!(await mayRevoke(trx, keyReachOf(ctx.caller), key))) {
          failWith('input.accessKeyId', 'A key may revoke only itself and the keys issued from it; the operator revokes the others', 'KEY_NOT_MANAGEABLE');
        }
        return revokeAccessKey(trx, { key, includeDescendants: input.includeDescendants ?? false }, actor);
      })),
    }),
  },
  AccessKey: {
    readOnly: (k) => k.read_only,
    owner: (k, _args, ctx) => (k.owner_user_id ? ctx.loaders.user.load(k.owner_user_id) : null),
    expiresAt: (k) => k.expires_at,
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

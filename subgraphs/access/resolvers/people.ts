import { RateLimiterMemory } from 'rate-limiter-flexible';
import { BUILT_IN_ROLE_CODES, BUILT_IN_ROLES, PERMISSIONS } from '../../../platform/permissions';
import { actorOf } from '../../kit/actor';
import { failWith, forbidden, userError, withUserErrors } from '../../kit/errors';
import type { AccessContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { inControlPlaneTransaction, runAccessMutation } from '../mutation';
import {
  acceptInvitation,
  countFailedSignIn,
  createCompanyRole,
  createOperator,
  FailedSignIn,
  inviteMember,
  refreshSession,
  removeMember,
  revokeUserSessions,
  setMemberRoles,
  signIn,
  signInWithIdentityProvider,
  signOut,
  type Granter,
  type SessionTokens,
} from '../services/people';
import { revokeInvitation } from '../services/invitations';
import { findCompanyRoles, findMembersOfCompany, findOpenInvitations } from '../store/people';

/**
 * Failed sign-ins per client address, in this process: 30 in 15 minutes, then
 * the address waits. The account's own counter (app_user.failed_sign_ins) is
 * shared by every process; this one stops one address from trying many accounts.
 */
const failuresPerAddress = new RateLimiterMemory({ points: 30, duration: 15 * 60 });

async function addressMayTry(address: string | null): Promise<boolean> {
  if (!address) return true;
  const state = await failuresPerAddress.get(address);
  return !state || state.remainingPoints > 0;
}

const REFUSED_ID_TOKEN = new Set(['INVALID_ID_TOKEN', 'NOT_A_MEMBER']);

const tokensPayload = (tokens: SessionTokens) => ({
  accessToken: tokens.accessToken,
  accessTokenExpiresAt: tokens.accessTokenExpiresAt,
  refreshToken: tokens.refreshToken,
  session: tokens.session,
});

/** The company a company-scoped caller acts in; the operator acts in any (null). */
export function actingCompany(ctx: AccessContext, companyId: string): string | null {
  if (ctx.caller.kind === 'ADMIN') return null;
  if (ctx.caller.tenant?.companyId !== companyId) throw forbidden('A credential acts only in its own company');
  return companyId;
}

/** What the caller may hand out: everything for the operator, its own grants otherwise. */
const granterOf = (ctx: AccessContext): Granter | null =>
  ctx.caller.kind === 'ADMIN' ? null : { grants: ctx.caller.grants, companyModules: ctx.caller.tenant?.companyModules ?? [] };

export const peopleResolvers: Resolvers = {
  Query: {
    permissions: () => Object.entries(PERMISSIONS).map(([name, p]) => ({ name, module: p.module, access: p.access, description: p.description })),
    companyRoles: async (_parent, { companyId }, ctx) => {
      actingCompany(ctx, companyId);
      const builtIn = BUILT_IN_ROLE_CODES.map((code) => ({
        code,
        name: BUILT_IN_ROLES[code].name,
        description: BUILT_IN_ROLES[code].description,
        scope: BUILT_IN_ROLES[code].scope,
        permissions: [...BUILT_IN_ROLES[code].permissions],
        builtIn: true,
      }));
      const custom = (await findCompanyRoles(ctx.deps.controlPlane, companyId)).map((r) => ({ ...r, description: null, builtIn: false }));
      return [...builtIn, ...custom];
    },
    members: (_parent, { companyId }, ctx) => {
      actingCompany(ctx, companyId);
      return findMembersOfCompany(ctx.deps.controlPlane, companyId);
    },
    invitations: (_parent, { companyId }, ctx) => {
      actingCompany(ctx, companyId);
      return findOpenInvitations(ctx.deps.controlPlane, companyId);
    },
  },
  Mutation: {
    signIn: async (_parent, { input }, ctx) => {
      const address = ctx.caller.clientAddress;
      if (!(await addressMayTry(address))) {
        return { userErrors: [userError(['input'], 'Too many failed sign-ins from this address; wait a few minutes', 'TOO_MANY_ATTEMPTS')] };
      }
      try {
        return await withUserErrors(async () =>
          tokensPayload(
            await inControlPlaneTransaction(ctx.deps.controlPlane, actorOf(ctx), 'signIn', (trx, actor) =>
              signIn(trx, { ...input, clientAddress: address }, ctx.deps.sessionSigningKey, actor),
            ),
          ),
        );
      } catch (error) {
        if (!(error instanceof FailedSignIn)) throw error;
        // The sign-in rolled back; the failure is counted on its own.
        if (error.userId) await inControlPlaneTransaction(ctx.deps.controlPlane, actorOf(ctx), 'signIn', (trx) => countFailedSignIn(trx, error.userId!));
        if (address) await failuresPerAddress.penalty(address, 1);
        return { userErrors: [userError(['input'], 'The e-mail or the password is not right', 'INVALID_CREDENTIALS')] };
      }
    },
    refreshSession: async (_parent, { input }, ctx) => {
      const outcome = await runAccessMutation(ctx, 'refreshSession', async (trx) => ({
        result: await refreshSession(trx, input.refreshToken, ctx.deps.sessionSigningKey),
      }));
      if (!outcome.result) return { userErrors: outcome.userErrors };
      if ('reused' in outcome.result) {
        ctx.logger.warn({ sessionId: outcome.result.reused }, 'a spent refresh token was presented again: session revoked');
        return {
          userErrors: [userError(['input', 'refreshToken'], 'This refresh token was already used: the session has been ended', 'REFRESH_TOKEN_REUSED')],
        };
      }
      return { ...tokensPayload(outcome.result), userErrors: [] };
    },
    signOut: async (_parent, _args, ctx) => ({
      revokedSessions: 0,
      ...(await runAccessMutation(ctx, 'signOut', async (trx, actor) => {
        if (!ctx.caller.sessionId) failWith(null, 'Only a signed-in session can sign out; revoke a key instead', 'NOT_A_SESSION');
        return { revokedSessions: await signOut(trx, ctx.caller.sessionId, actor) };
      })),
    }),
    revokeUserSessions: (_parent, { input }, ctx) => {
      if (ctx.caller.kind !== 'ADMIN' && ctx.caller.user?.id !== input.userId) throw forbidden('A person ends their own sessions; the operator ends anyone’s');
      return runAccessMutation(ctx, 'revokeUserSessions', async (trx, actor) => ({ revokedSessions: await revokeUserSessions(trx, input.userId, actor) })).then(
        (payload) => ({ revokedSessions: 0, ...payload }),
      );
    },
    inviteMember: (_parent, { input }, ctx) => {
      actingCompany(ctx, input.companyId);
      return runAccessMutation(ctx, 'inviteMember', (trx, actor) => inviteMember(trx, { ...input, granter: granterOf(ctx) }, actor));
    },
    acceptInvitation: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'acceptInvitation', async (trx, actor) =>
        tokensPayload(
          await acceptInvitation(
            trx,
            { ...input, clientAddress: ctx.caller.clientAddress },
            { signingKey: ctx.deps.sessionSigningKey, identityProviders: ctx.deps.identityProviders },
            actor,
          ),
        ),
      ),
    signInWithIdentityProvider: async (_parent, { input }, ctx) => {
      const address = ctx.caller.clientAddress;
      if (!(await addressMayTry(address))) {
        return { userErrors: [userError(['input'], 'Too many failed sign-ins from this address; wait a few minutes', 'TOO_MANY_ATTEMPTS')] };
      }
      const payload = await runAccessMutation(ctx, 'signInWithIdentityProvider', async (trx, actor) =>
        tokensPayload(
          await signInWithIdentityProvider(
            trx,
            { ...input, clientAddress: address },
            { signingKey: ctx.deps.sessionSigningKey, identityProviders: ctx.deps.identityProviders },
            actor,
          ),
        ),
      );
      // Refused tokens count against the address like wrong passwords; no account is counted, as none was guessed at.
      if (address && payload.userErrors.some((e) => REFUSED_ID_TOKEN.has(e.code ?? ''))) await failuresPerAddress.penalty(address, 1);
      return payload;
    },
    setMemberRoles: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'setMemberRoles', async (trx, actor) => ({
        member: await setMemberRoles(
          trx,
          {
            ...input,
            companyId: ctx.caller.kind === 'ADMIN' ? null : ctx.caller.tenant!.companyId,
            granter: granterOf(ctx),
            actingUserId: ctx.caller.user?.id ?? null,
          },
          actor,
        ),
      })),
    removeMember: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'removeMember', async (trx, actor) => ({
        member: await removeMember(
          trx,
          { ...input, companyId: ctx.caller.kind === 'ADMIN' ? null : ctx.caller.tenant!.companyId, actingUserId: ctx.caller.user?.id ?? null },
          actor,
        ),
      })),
    createCompanyRole: (_parent, { input }, ctx) => {
      actingCompany(ctx, input.companyId);
      return runAccessMutation(ctx, 'createCompanyRole', async (trx, actor) => ({
        role: { ...(await createCompanyRole(trx, { ...input, granter: granterOf(ctx) }, actor)), description: null, builtIn: false },
      }));
    },
    revokeInvitation: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'revokeInvitation', async (trx, actor) => ({
        invitation: await revokeInvitation(trx, { ...input, companyId: ctx.caller.kind === 'ADMIN' ? null : ctx.caller.tenant!.companyId }, actor),
      })),
    createOperator: (_parent, { input }, ctx) =>
      runAccessMutation(ctx, 'createOperator', async (trx, actor) => ({ user: await createOperator(trx, input, actor) })),
  },
  User: {
    displayName: (u) => u.display_name,
    isOperator: (u) => u.is_operator,
  },
  Member: {
    user: async (m, _args, ctx) => (await ctx.loaders.user.load(m.user_id))!,
    company: async (m, _args, ctx) => (await ctx.loaders.company.load(m.company_id))!,
    employeeId: (m) => m.employee_id,
    createdAt: (m) => m.created_at,
  },
  Session: {
    user: async (s, _args, ctx) => (await ctx.loaders.user.load(s.user_id))!,
    company: (s, _args, ctx) => (s.company_id ? ctx.loaders.company.load(s.company_id) : null),
    expiresAt: (s) => s.expires_at,
  },
  Invitation: {
    employeeId: (i) => i.employee_id,
    expiresAt: (i) => i.expires_at,
    acceptedAt: (i) => i.accepted_at,
    revokedAt: (i) => i.revoked_at,
  },
};

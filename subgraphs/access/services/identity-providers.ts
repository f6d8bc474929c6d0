import type { ControlPlaneExecutor, InvitationRow } from '../../../platform/control-plane';
import { isPgError } from '../../../platform/db';
import {
  claimedProvider,
  issuerUrlProblem,
  type ProviderIdentity,
  type ProviderTokenRefusal,
  type ProviderTokenVerifier,
  type TrustedProvider,
} from '../../../platform/oidc';
import type { Actor } from '../../kit/actor';
import { failWith, userError, type UserError } from '../../kit/errors';
import { refuseInvalid } from '../../kit/validation';
import type { ControlPlaneTransaction } from '../mutation';
import { findCompany } from '../store/companies';
import {
  deleteIdentityProvider,
  findIdentityProvider,
  findIdentityProviderByAudience,
  findIdentityProviderBySlug,
  findIdentityProvidersOfAudiences,
  upsertIdentityProvider,
} from '../store/identity-providers';

/** What the access subgraph needs to trust companies' providers. */
export interface IdentityProviderDeps {
  /** http:// issuers on loopback are accepted (FLUXO_OIDC_ALLOW_HTTP; never in production). */
  allowHttp: boolean;
  tokens: ProviderTokenVerifier;
}

export interface SetIdentityProviderInput {
  companyId: string;
  issuer: string;
  clientId: string;
  /** The `aud` of the company's tokens; the client id when not given. */
  audience?: string | null;
}

const MAX_IDENTIFIER_LENGTH = 255;
const MAX_ISSUER_LENGTH = 2048;

function checkProvider(input: SetIdentityProviderInput, allowHttp: boolean): { issuer: string; clientId: string; audience: string } {
  const issuer = input.issuer.trim();
  const clientId = input.clientId.trim();
  const audience = input.audience?.trim() || clientId;
  const errors: UserError[] = [];
  const problem = issuer.length > MAX_ISSUER_LENGTH ? `has at most ${MAX_ISSUER_LENGTH} characters` : issuerUrlProblem(issuer, allowHttp);
  if (problem) errors.push(userError(['input', 'issuer'], `The issuer ${problem}`, 'INVALID_ISSUER'));
  if (clientId === '' || clientId.length > MAX_IDENTIFIER_LENGTH) {
    errors.push(userError(['input', 'clientId'], `Client ids are 1 to ${MAX_IDENTIFIER_LENGTH} characters`, 'INVALID_CLIENT_ID'));
  }
  if (audience.length > MAX_IDENTIFIER_LENGTH) {
    errors.push(userError(['input', 'audience'], `Audiences are 1 to ${MAX_IDENTIFIER_LENGTH} characters`, 'INVALID_AUDIENCE'));
  }
  refuseInvalid(errors);
  return { issuer, clientId, audience };
}

const AUDIENCE_IN_USE = 'Another company trusts this issuer for this audience: a token would open both; give this company its own client';

/**
 * Names the company's OpenID Connect provider, replacing any before. An issuer
 * and audience pair belongs to one company at most: the gateway finds the
 * company from a token's pair, so sharing it would let one company's token in
 * to another.
 */
export async function setIdentityProvider(trx: ControlPlaneTransaction, input: SetIdentityProviderInput, allowHttp: boolean, actor: Actor) {
  const provider = checkProvider(input, allowHttp);
  if (!(await findCompany(trx, input.companyId))) failWith(['input', 'companyId'], `No company ${input.companyId}`, 'NOT_FOUND');
  const holder = await findIdentityProviderByAudience(trx, provider.issuer, provider.audience);
  if (holder && holder.company_id !== input.companyId) failWith(['input', 'audience'], AUDIENCE_IN_USE, 'AUDIENCE_IN_USE');
  const before = await findIdentityProvider(trx, input.companyId);
  const row = await upsertIdentityProvider(trx, { companyId: input.companyId, ...provider }).catch((error: unknown) => {
    // Another company claimed the pair at the same moment.
    if (isPgError(error, '23505')) failWith(['input', 'audience'], AUDIENCE_IN_USE, 'AUDIENCE_IN_USE');
    throw error;
  });
  actor.audit({
    entity: 'identity_provider',
    entityId: input.companyId,
    before: before ? { issuer: before.issuer, clientId: before.client_id, audience: before.audience } : null,
    after: provider,
  });
  return row;
}

/** Stops trusting the company's provider: gateways drop it at once (the row's NOTIFY). */
export async function removeIdentityProvider(trx: ControlPlaneTransaction, companyId: string, actor: Actor): Promise<boolean> {
  const removed = await deleteIdentityProvider(trx, companyId);
  if (!removed) return false;
  actor.audit({
    entity: 'identity_provider',
    entityId: companyId,
    before: { issuer: removed.issuer, clientId: removed.client_id, audience: removed.audience },
  });
  return true;
}

const REFUSALS: Record<ProviderTokenRefusal, string> = {
  EXPIRED: 'The ID token has expired: sign in with the provider again',
  INVALID: 'The ID token is not a valid token of the company’s provider',
  EMAIL_UNVERIFIED: 'The provider has not verified this e-mail address',
  UNAVAILABLE: 'The company’s identity provider cannot be reached; try again later',
};

/**
 * The invitee proves who they are with an ID token of the inviting company's
 * own provider, for the invited address: the provider verified that address,
 * so no password is needed.
 */
export async function proveInviteeWithIdToken(
  trx: ControlPlaneTransaction,
  providers: IdentityProviderDeps,
  invitation: Pick<InvitationRow, 'company_id' | 'email'>,
  idToken: string,
): Promise<void> {
  const provider = await findIdentityProvider(trx, invitation.company_id);
  if (!provider) failWith(ID_TOKEN_FIELD, 'The company has no identity provider: accept with a password', 'NO_IDENTITY_PROVIDER');
  const identity = await verifiedIdentity(providers, provider, idToken);
  if (identity.email.toLowerCase() !== invitation.email.toLowerCase()) {
    failWith(ID_TOKEN_FIELD, 'The ID token is for another e-mail address than the invitation', 'EMAIL_MISMATCH');
  }
}

const ID_TOKEN_FIELD = ['input', 'idToken'];

async function verifiedIdentity(providers: IdentityProviderDeps, provider: TrustedProvider, idToken: string): Promise<ProviderIdentity> {
  const identity = await providers.tokens.verify(idToken, provider);
  if (typeof identity !== 'string') return identity;
  return failWith(ID_TOKEN_FIELD, REFUSALS[identity], identity === 'UNAVAILABLE' ? 'IDENTITY_PROVIDER_UNAVAILABLE' : 'INVALID_ID_TOKEN');
}

/** A token naming more audiences than this is no company's (as at the gateway). */
const MAX_AUDIENCES = 10;

/**
 * Who signs in with an ID token, and to which company: the one company that
 * trusts the token's issuer for one of its audiences, as the gateway finds it
 * for a bearer token. The token must carry the nonce the browser asked the
 * provider for, so a token got for another sign-in (or minted without a
 * browser's request) does not open a session here.
 */
export async function identityFromIdToken(
  trx: ControlPlaneTransaction,
  providers: IdentityProviderDeps,
  idToken: string,
  nonce: string,
): Promise<{ companyId: string; identity: ProviderIdentity }> {
  const claimed = claimedProvider(idToken);
  const candidates =
    claimed && claimed.audiences.length > 0 && claimed.audiences.length <= MAX_AUDIENCES
      ? await findIdentityProvidersOfAudiences(trx, claimed.issuer, claimed.audiences)
      : [];
  if (candidates.length !== 1) failWith(ID_TOKEN_FIELD, REFUSALS.INVALID, 'INVALID_ID_TOKEN');
  const provider = candidates[0]!;
  const identity = await verifiedIdentity(providers, provider, idToken);
  if (nonce === '' || identity.nonce !== nonce)
    failWith(ID_TOKEN_FIELD, 'The ID token was not issued for this sign-in: sign in with the provider again', 'INVALID_ID_TOKEN');
  return { companyId: provider.company_id, identity };
}

/** What the gateway needs in an ID token (a verified e-mail), asked for by the browser's authorization request. */
const SIGN_IN_SCOPES = ['openid', 'email', 'profile'];

/**
 * How people sign in to the company with this slug. Password sign-in is always
 * open. An unknown slug answers like a company without a provider: the answer
 * tells only that a slug with a provider exists, which its sign-in page shows anyway.
 */
export async function signInOptions(db: ControlPlaneExecutor, tokens: ProviderTokenVerifier, slug: string) {
  const provider = await findIdentityProviderBySlug(db, slug.trim().toLowerCase());
  if (!provider) return { password: true, identityProvider: null };
  // The browser may not fetch the provider's discovery document (its pages allow connections to Fluxo only), so
  // the endpoint is read here, from the document the verifier already caches; unreachable now is null, not a failure.
  const authorizationEndpoint = await tokens.authorizationEndpoint(provider.issuer);
  return {
    password: true,
    identityProvider: { issuer: provider.issuer, clientId: provider.client_id, scopes: SIGN_IN_SCOPES, authorizationEndpoint },
  };
}

import { randomUUID } from 'node:crypto';
import type { Gql } from './company';
import { graphql, type GraphQLResponse, type TestStack } from './stack';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

type TokensPayload = {
  accessToken: string | null;
  refreshToken: string | null;
  session: { id: string } | null;
  userErrors: Array<{ field: string[] | null; code: string; message: string }>;
};

const TOKENS = 'accessToken refreshToken session { id } userErrors { field code message }';

export const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { ${TOKENS} } }`;
export const REFRESH = `mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { ${TOKENS} } }`;
export const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { ${TOKENS} } }`;
export const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id email } token userErrors { field code message } } }`;

export function tokensOf(payload: TokensPayload | undefined): Tokens {
  if (!payload?.accessToken || !payload.refreshToken || !payload.session) throw new Error(`no tokens: ${JSON.stringify(payload?.userErrors)}`);
  return { accessToken: payload.accessToken, refreshToken: payload.refreshToken, sessionId: payload.session.id };
}

/** Invites `email` to the company with `roles` using `inviter` (a key, a person's token or the operator token); returns the one-time token. */
export async function invite(
  t: TestStack,
  inviterToken: string,
  input: { companyId: string; email: string; roles: Array<{ role: string; departmentId?: string | null }>; employeeId?: string | null },
): Promise<string> {
  const res = await graphql<{ inviteMember: { token: string | null; userErrors: unknown[] } }>(t.gatewayUrl, INVITE, { input }, { token: inviterToken });
  const token = res.data?.inviteMember.token;
  if (!token) throw new Error(`invitation failed: ${JSON.stringify(res.errors ?? res.data?.inviteMember.userErrors)}`);
  return token;
}

export async function accept(t: TestStack, token: string, password: string): Promise<Tokens> {
  const res = await graphql<{ acceptInvitation: TokensPayload }>(t.gatewayUrl, ACCEPT, { input: { token, password } });
  if (!res.data) throw new Error(`accepting failed: ${JSON.stringify(res.errors)}`);
  return tokensOf(res.data.acceptInvitation);
}

export function signIn(
  t: TestStack,
  input: { email: string; password: string; companyId?: string | null },
): Promise<GraphQLResponse<{ signIn: TokensPayload }>> {
  return graphql<{ signIn: TokensPayload }>(t.gatewayUrl, SIGN_IN, { input });
}

export function refresh(t: TestStack, refreshToken: string): Promise<GraphQLResponse<{ refreshSession: TokensPayload }>> {
  return graphql<{ refreshSession: TokensPayload }>(t.gatewayUrl, REFRESH, { input: { refreshToken } });
}

/** A person invited with `roles` who accepted: their tokens and a client bound to the access token. */
export async function member(
  t: TestStack,
  inviterToken: string,
  input: { companyId: string; roles: Array<{ role: string; departmentId?: string | null }>; employeeId?: string | null; email?: string },
): Promise<Tokens & { email: string; password: string; gql: Gql }> {
  const email = input.email ?? `person-${randomUUID().slice(0, 8)}@example.com`;
  const password = `correct horse ${randomUUID()}`;
  const tokens = await accept(t, await invite(t, inviterToken, { ...input, email }), password);
  return { ...tokens, email, password, gql: personClient(t, tokens.accessToken) };
}

export function personClient(t: TestStack, accessToken: string): Gql {
  return (document, variables, options = {}) =>
    graphql(t.gatewayUrl, document, variables, {
      token: accessToken,
      headers: { 'x-request-id': options.requestId ?? `test-${randomUUID()}`, ...options.headers },
    });
}

/** The membership id of the member with `email`, as an administrator of the company lists it. */
export async function membershipIdOf(admin: { gql: Gql }, companyId: string, email: string): Promise<string> {
  const members = await admin.gql<{ members: Array<{ id: string; user: { email: string } }> }>(
    'query($id: ID!) { members(companyId: $id) { id user { email } } }',
    {
      id: companyId,
    },
  );
  const found = members.data?.members.find((m) => m.user.email === email);
  if (!found) throw new Error(`no member ${email} in company ${companyId}`);
  return found.id;
}

/** Gives a member exactly `roles`, as an administrator of the company would. */
export async function setMemberRoles(admin: { gql: Gql }, membershipId: string, roles: Array<{ role: string; departmentId?: string | null }>): Promise<void> {
  const res = await admin.gql<{ setMemberRoles: { userErrors: unknown[] } }>(
    'mutation($input: SetMemberRolesInput!) { setMemberRoles(input: $input) { userErrors { code } } }',
    { input: { membershipId, roles } },
  );
  expect(res.data?.setMemberRoles.userErrors).toEqual([]);
}

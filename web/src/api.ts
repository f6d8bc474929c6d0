/**
 * The one way the web app reaches Fluxo: the public GraphQL endpoint, sending
 * only the id of an operation from the persisted manifest (operations/web),
 * never a query text. A coded GraphQL error becomes an ApiError; userErrors
 * stay in the data for the form that caused them.
 */
import { persistedIds, type WebOperationName, type WebOperations } from './generated/persisted';

export type Data<N extends WebOperationName> = WebOperations[N]['data'];
export type Variables<N extends WebOperationName> = WebOperations[N]['variables'];

export interface UserError {
  field: readonly string[] | null;
  message: string;
  code: string;
}

/** A request the API refused as a whole: its code (extensions.code or the HTTP status) and message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface Response<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Sends operation `name` with the bearer credential, if any. */
export async function send<N extends WebOperationName>(name: N, variables: Variables<N>, credential?: string | null): Promise<Data<N>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (credential) headers.authorization = `Bearer ${credential}`;
  let response: globalThis.Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: persistedIds[name] } } }),
    });
  } catch {
    throw new ApiError('NETWORK', 'Fluxo could not be reached. Check your connection and try again.', 0);
  }
  const body = (await response.json().catch(() => null)) as Response<Data<N>> | null;
  const error = body?.errors?.[0];
  if (error) throw new ApiError(error.extensions?.code ?? 'ERROR', error.message, response.status);
  if (!response.ok || !body?.data) throw new ApiError(`HTTP_${response.status}`, `Fluxo answered ${response.status}.`, response.status);
  return body.data;
}

/** The API's codes in plain words; anything else shows the API's own message. */
const PLAIN: Record<string, string> = {
  NETWORK: 'Fluxo could not be reached. Check your connection and try again.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'You are not allowed to do this.',
  PERMISSION_DENIED: 'Your roles do not allow this.',
  MODULE_NOT_SUBSCRIBED: 'Your company does not subscribe to this module, or your access does not include it.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  INVALID_CREDENTIALS: 'The e-mail address or password is wrong.',
  ACCOUNT_LOCKED: 'Too many failed attempts: the account is locked for a while.',
  INVALID_EMAIL: 'Enter a valid e-mail address.',
  REQUIRED: 'This is required.',
  NO_MODULES: 'Choose at least one module.',
  UNKNOWN_PLAN: 'That plan does not exist.',
  MODULE_NOT_IN_PLAN: 'That module is not part of the chosen plan.',
  TOO_LONG: 'This is too long.',
  WEAK_PASSWORD: 'Choose a longer password: at least 12 characters.',
  INVALID_INVITATION: 'This invitation link is not valid, has expired, or was already used.',
  COMPANY_REQUIRED: 'You belong to several companies: sign in through your company’s console link.',
  NOT_A_MEMBER: 'This account is not a member of that company.',
  INVALID_ID_TOKEN: 'Your identity provider’s answer could not be used. Sign in with it again.',
  IDENTITY_PROVIDER_UNAVAILABLE: 'Your company’s identity provider cannot be reached right now. Try again later.',
  TOO_MANY_ATTEMPTS: 'Too many failed sign-ins from here. Wait a few minutes and try again.',
  TOKEN_EXPIRED: 'Your session has ended. Sign in again.',
  TOKEN_INVALID: 'Your session has ended. Sign in again.',
  SESSION_ENDED: 'Your session has ended. Sign in again.',
  SIGN_IN_UNAVAILABLE: 'Signing in is not available on this installation.',
  PERMISSION_NOT_HELD: 'You cannot grant a permission you do not hold.',
  MODULE_NOT_GRANTED: 'Your access does not include that module.',
  OWN_MEMBERSHIP: 'You cannot change your own roles or membership.',
  UNKNOWN_ROLE: 'That role does not exist.',
  DUPLICATE_EMAIL: 'That person is already invited or a member.',
  ALREADY_APPROVED: 'This request was already approved.',
  REQUEST_REJECTED: 'This request was rejected.',
  NOT_FOUND: 'It does not exist any more.',
  PERSISTED_QUERY_NOT_FOUND: 'This page is out of date. Reload it.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on our side. Try again later.',
};

export function plainWords(code: string, message: string): string {
  return PLAIN[code] ?? message;
}

/** The userError for one input field, e.g. fieldError(errors, 'contactEmail'). */
export function fieldError(errors: readonly UserError[] | undefined, field: string): UserError | undefined {
  return errors?.find((e) => e.field?.[e.field.length - 1] === field);
}

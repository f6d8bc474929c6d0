import { createHash } from 'node:crypto';
import type { GraphQLRequestContext } from '@apollo/server';
import type { Caller } from './caller';
import type { GatewayContext } from './context';

/** The header with which a client asks for the query plan (FLUXO_EXPOSE_QUERY_PLAN): such an answer is never shared or cached. */
const QUERY_PLAN_HEADER = 'apollo-query-plan-experimental';

/** Variables longer than this (as JSON) are hashed into an operation key rather than kept in it. */
const LONG_VARIABLES = 256;

interface Identity {
  /** The caller as signed for the subgraphs (every claim, with the client's address), as JSON. */
  json: string;
  /** Its SHA-256. */
  digest: string;
}

// A verified caller is one object for as long as the key verifier (or session or provider cache) keeps it,
// so its identity is serialised and hashed once per caller and client address, not once per request.
const identities = new WeakMap<Caller, Map<string, Identity>>();

/**
 * The identity of a request's caller: every claim of the verified caller as
 * it is signed for the subgraphs (company and its database, credential,
 * person, session, client address, modules, permissions and row scopes), the
 * same as `JSON.stringify(context.signedCaller)`. Each of the gateway's keys
 * that must tell callers apart (shared queries, the response cache, in-flight
 * subgraph fetches) starts from it.
 */
export function callerIdentity(context: Pick<GatewayContext, 'signedCaller'> & Partial<Pick<GatewayContext, 'caller' | 'clientAddress'>>): Identity {
  if (!context.caller || context.clientAddress === undefined) return identityOf(context.signedCaller);
  let byAddress = identities.get(context.caller);
  if (!byAddress) identities.set(context.caller, (byAddress = new Map()));
  let identity = byAddress.get(context.clientAddress);
  if (!identity) {
    identity = identityOf(context.signedCaller);
    // A caller object seen from very many addresses keeps only the latest few hundred.
    if (byAddress.size >= 256) byAddress.delete(byAddress.keys().next().value as string);
    byAddress.set(context.clientAddress, identity);
  }
  return identity;
}

function identityOf(signedCaller: object): Identity {
  const json = JSON.stringify(signedCaller);
  return { json, digest: createHash('sha256').update(json).digest('base64url') };
}

/** Every company: what an operator's mutation may have changed. */
export const EVERY_COMPANY = '*';

/**
 * The company a mutation by `caller` may have changed: its own, or every
 * company for the operator, who reaches any company through access even when
 * acting for one (X-Fluxo-Company).
 */
export function companyWrittenBy(caller: Caller): string {
  return caller.kind === 'ADMIN' ? EVERY_COMPANY : (caller.tenant?.companyId ?? EVERY_COMPANY);
}

const operationKeys = new WeakMap<GatewayContext, string | null>();

/**
 * The identity of a company caller's query: the caller's identity (above), the
 * operation's name, the document's hash (Apollo's, the SHA-256 of its text)
 * and the variables; computed once per request. Null for anything that is not
 * a company caller's query (the operator acting for a company with
 * X-Fluxo-Company may read other companies through the access subgraph, whose
 * changes reach no entry filed under the header's), and for a request that
 * asks for the query plan: such answers are never shared or cached.
 */
export function operationKey(rc: GraphQLRequestContext<GatewayContext>): string | null {
  const context = rc.contextValue;
  const known = operationKeys.get(context);
  if (known !== undefined) return known;
  let key: string | null = null;
  if (rc.operation?.operation === 'query' && context.caller.tenant && context.caller.kind !== 'ADMIN' && !rc.request.http?.headers.get(QUERY_PLAN_HEADER)) {
    const variables = JSON.stringify(rc.request.variables ?? null);
    const document =
      rc.queryHash ??
      createHash('sha256')
        .update(rc.source ?? '')
        .digest('hex');
    const tail = variables.length > LONG_VARIABLES ? createHash('sha256').update(variables).digest('base64url') : variables;
    key = `${callerIdentity(context).digest}|${rc.operationName ?? ''}|${document}|${tail}`;
  }
  operationKeys.set(context, key);
  return key;
}

import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { keyPrefix } from '../platform/access-key-format';
import { ErrorCode, unauthenticated } from '../platform/errors';
import type { LimitOptions } from '../platform/config';
import type { Caller } from './caller';
import type { GatewayContext } from './context';

/**
 * A limiter of `points` per minute. With a Redis client every gateway counts
 * against the same budget; while Redis cannot answer, each process falls back
 * to its own memory (the insurance limiter), so an outage of Redis loosens the
 * limits for a while but never refuses or fails a request.
 */
export function minuteLimiter(store: Redis | null, keyPrefix: string, points: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
  if (!store) return memory;
  return new RateLimiterRedis({ storeClient: store, keyPrefix: `fluxo:limit:${keyPrefix}`, points, duration: 60, insuranceLimiter: memory });
}

/**
 * Query-shape limits: depth, aliases, cost and directives from graphql-armor;
 * tokens through graphql's own parser option. (Armor's token plugin parses in a
 * plugin hook, which Apollo answers with HTTP 500 — for every syntax error too.)
 */
export function queryLimits(options: LimitOptions) {
  const armor = new ApolloArmor({
    maxDepth: { n: options.maxDepth },
    maxAliases: { n: options.maxAliases },
    costLimit: { maxCost: options.maxCost },
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: !options.exposeSuggestions },
  }).protect();
  return { ...armor, parseOptions: { maxTokens: options.maxTokens } };
}

/** Per-key request rate, answered with RATE_LIMITED and HTTP 429 when exceeded. */
/**
 * The per-key (and, without a key, per-address) request budget. It is checked
 * while the request's context is built, right after the caller is known:
 * Apollo answers an error thrown there with its code and HTTP status (429,
 * Retry-After), where one thrown from a plugin's requestDidStart became a 500.
 */
export function requestBudget(options: LimitOptions, store: Redis | null = null) {
  const perKey = minuteLimiter(store, 'key', options.perKeyPerMinute);
  const anonymous = minuteLimiter(store, 'anon', options.anonymousPerMinute);
  return async (caller: Caller, clientAddress: string): Promise<void> => {
    if (caller.kind === 'ADMIN') return;
    const principal = principalOf(caller);
    const limiter = principal ? perKey : anonymous;
    try {
      await limiter.consume(principal ?? clientAddress);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw rateLimited(rejection, 'Rate limit exceeded');
    }
  };
}

/** Whose budgets a caller spends: a person's are their own across sessions, a key's are the key's; null without either. */
export function principalOf(caller: Caller): string | null {
  return caller.keyId ?? (caller.user ? `user:${caller.user.id}` : null);
}

function rateLimited(rejection: RateLimiterRes, what: string): GraphQLError {
  const retryAfter = Math.ceil(rejection.msBeforeNext / 1000);
  return new GraphQLError(`${what}; retry in ${retryAfter} s`, {
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds: retryAfter, http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
  });
}

/**
 * Guessing keys costs a control-plane lookup per try, and a refused credential
 * never reaches the per-key limiter. Refusals are counted per key prefix and
 * client address together, and, more loosely, per address: one client behind
 * a NAT guessing the secret of one prefix is refused, while other clients of
 * that address with their own keys go on working. A pair (or an address) over
 * its limit is refused before any lookup, with RATE_LIMITED, 429 and Retry-After.
 */
export function credentialGuard(options: LimitOptions, store: Redis | null = null) {
  const perPrefix = minuteLimiter(store, 'bad-credential', options.failedCredentialsPerMinute);
  const perAddress = minuteLimiter(store, 'bad-credential-address', options.failedCredentialsPerAddressPerMinute);
  return async <T>(clientAddress: string, credential: string | null, identify: () => Promise<T>): Promise<T> => {
    const pair = guessingKey(credential, clientAddress);
    const [pairState, addressState] = await Promise.all([perPrefix.get(pair), perAddress.get(clientAddress)]);
    if (pairState && pairState.remainingPoints <= 0) throw rateLimited(pairState, 'Too many refused credentials for this key from this address');
    if (addressState && addressState.remainingPoints <= 0) throw rateLimited(addressState, 'Too many refused credentials from this address');
    try {
      return await identify();
    } catch (error) {
      await Promise.all([perPrefix.penalty(pair, 1), perAddress.penalty(clientAddress, 1)]).catch(() => undefined);
      throw error;
    }
  };
}

/** What a guess is counted under: the key's public prefix (or the kind of credential it is not) and the address. */
export function guessingKey(credential: string | null, clientAddress: string): string {
  const target = credential === null ? 'none' : credential.startsWith('fluxo_admin_') ? 'admin' : (keyPrefix(credential) ?? 'malformed');
  return `${target}|${clientAddress}`;
}

/** Root fields anyone may call without a key. Introspection is allowed where Sandbox is on. */
const PUBLIC_FIELDS = new Set([
  'plans',
  'permissions',
  'requestSubscription',
  'subscriptionRequestStatus',
  'signInOptions',
  'signIn',
  'refreshSession',
  'acceptInvitation',
  'signInWithIdentityProvider',
  '__typename',
]);
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** NUL, or half of a surrogate pair without the other half: neither can be stored by PostgreSQL (text or JSON). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}

/**
 * Refuses text PostgreSQL cannot store: the NUL character (U+0000) or an
 * unpaired surrogate, in a variable or in a string written in the query.
 * Without this, a search or a name holding one reached SQL and came back as an
 * internal error.
 */
export function textInputGuard(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          // Only a query whose text could spell one (an escape or the character itself) is walked.
          const text = request.query;
          let literal = false;
          if (text === undefined || text.includes('\\u') || !isStorableText(text)) {
            visit(document, {
              StringValue(node) {
                if (!isStorableText(node.value)) literal = true;
              },
            });
          }
          const path = literal ? [] : nulIn(request.variables ?? {});
          if (literal || path) {
            throw new GraphQLError('Text may not contain the NUL character (U+0000) or an unpaired surrogate', {
              extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 }, ...(path && path.length > 0 ? { field: path.join('.') } : {}) },
            });
          }
        },
      };
    },
  };
}

/**
 * The path of the first string PostgreSQL cannot store (see isStorableText) in a variables object, or null.
 * An explicit stack, not recursion: the client chooses how deep variables nest.
 */
export function nulIn(variables: unknown): string[] | null {
  // Each item points at its parent, so the path is built only for the string found (copying it per level was quadratic).
  const stack: VariableItem[] = [{ value: variables, key: null, parent: null }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value } = item;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return pathOf(item);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i], key: String(i), parent: item });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value).reverse()) stack.push({ value: child, key, parent: item });
    }
  }
  return null;
}

interface VariableItem {
  value: unknown;
  key: string | null;
  parent: VariableItem | null;
}

function pathOf(item: VariableItem): string[] {
  const path: string[] = [];
  for (let at: VariableItem | null = item; at; at = at.parent) if (at.key !== null) path.push(at.key);
  return path.reverse();
}

/**
 * The operation to run must be one the gateway can run: named by
 * operationName when the document holds several, and a query or a mutation.
 * Without this, the gateway's executor failed on either with HTTP 500.
 */
export function operationGuard(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            const message = request.operationName
              ? `The document has no operation named "${request.operationName}"`
              : 'The document has several operations: name the one to run in operationName';
            throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
          }
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
            throw new GraphQLError('Subscriptions are not supported; send a query or a mutation', {
              extensions: { code: 'SUBSCRIPTION_NOT_SUPPORTED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** Anonymous callers reach only the public operations; everything else needs a key. */
export function anonymousAccessPlugin(allowIntrospection: boolean): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          if (contextValue.caller.kind !== 'ANONYMOUS' || !operation) return;
          for (const field of rootFieldNames(operation, document)) {
            if (PUBLIC_FIELDS.has(field) || (allowIntrospection && INTROSPECTION_FIELDS.has(field))) continue;
            throw unauthenticated(
              `"${field}" needs an access key or a signed-in person; anonymous callers may only sign in, accept an invitation and ask to subscribe`,
            );
          }
        },
      };
    },
  };
}

function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const names: string[] = [];
  const seen = new Set<string>();
  const walk = (selections: readonly SelectionNode[]) => {
    for (const s of selections) {
      if (s.kind === Kind.FIELD) names.push(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet.selections);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        walk(fragments.get(s.name.value)?.selectionSet.selections ?? []);
      }
    }
  };
  walk(operation.selectionSet.selections);
  return names;
}

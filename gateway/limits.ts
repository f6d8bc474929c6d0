import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
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
    const limiter = caller.keyId ? perKey : anonymous;
    try {
      await limiter.consume(caller.keyId ?? clientAddress);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw rateLimited(rejection, 'Rate limit exceeded');
    }
  };
}

function rateLimited(rejection: RateLimiterRes, what: string): GraphQLError {
  const retryAfter = Math.ceil(rejection.msBeforeNext / 1000);
  return new GraphQLError(`${what}; retry in ${retryAfter} s`, {
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds: retryAfter, http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
  });
}

/**
 * Guessing keys costs a control-plane lookup per try, and a refused credential
 * never reaches the per-key limiter. So refusals are counted per client
 * address, and an address over the limit is refused before any lookup.
 */
export function credentialGuard(options: LimitOptions, store: Redis | null = null) {
  const failures = minuteLimiter(store, 'bad-credential', options.failedCredentialsPerMinute);
  return async <T>(clientAddress: string, identify: () => Promise<T>): Promise<T> => {
    const state = await failures.get(clientAddress);
    if (state && state.remainingPoints <= 0) throw rateLimited(state, 'Too many refused credentials from this address');
    try {
      return await identify();
    } catch (error) {
      await failures.penalty(clientAddress, 1).catch(() => undefined);
      throw error;
    }
  };
}

/** Root fields anyone may call without a key. Introspection is allowed where Sandbox is on. */
const PUBLIC_FIELDS = new Set(['plans', 'requestSubscription', '__typename']);
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Refuses text PostgreSQL cannot store: the NUL character (U+0000), in a
 * variable or in a string written in the query. Without this, a search or a
 * name holding one reached SQL and came back as an internal error.
 */
export function textInputGuard(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          // Only a query whose text could spell one (an escape or the character itself) is walked.
          const text = request.query;
          let literal = false;
          if (text === undefined || text.includes('\\u') || text.includes('\u0000')) {
            visit(document, {
              StringValue(node) {
                if (node.value.includes('\u0000')) literal = true;
              },
            });
          }
          const path = literal ? [] : nulIn(request.variables ?? {}, []);
          if (literal || path) {
            throw new GraphQLError('Text may not contain the NUL character (U+0000)', {
              extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 }, ...(path && path.length > 0 ? { field: path.join('.') } : {}) },
            });
          }
        },
      };
    },
  };
}

/** The path of the first string holding U+0000 in a variables object, or null. */
function nulIn(value: unknown, path: string[]): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = nulIn(value[i], [...path, String(i)]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
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
            throw unauthenticated(`"${field}" needs an access key; anonymous callers may only use plans and requestSubscription`);
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

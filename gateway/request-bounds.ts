import { GraphQLError, Kind, Lexer, parse, Source, TokenKind, type DefinitionNode, type DocumentNode, type SelectionNode } from 'graphql';
import type { FrontDoorLimits } from '../platform/config';

/** Codes of the requests the front door refuses before any expensive step (all HTTP 400). */
export const RefusalCode = {
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  JSON_TOO_DEEP: 'JSON_TOO_DEEP',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNSUPPORTED_CONTENT_TYPE: 'UNSUPPORTED_CONTENT_TYPE',
  BAD_REQUEST: 'BAD_REQUEST',
  QUERY_TOO_LONG: 'QUERY_TOO_LONG',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  TOO_MANY_FIELDS: 'TOO_MANY_FIELDS',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  TOO_MANY_REPEATED_FIELDS: 'TOO_MANY_REPEATED_FIELDS',
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  PERSISTED_QUERY_VERSION_NOT_SUPPORTED: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED',
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

/** A request refused with a code; the front door answers it as GraphQL JSON with HTTP 400. */
export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Refuses JSON text nested deeper than `max`, in one pass with a counter: no
 * recursion whose depth the client controls, and done before JSON.parse.
 * Brackets inside strings do not count.
 */
export function checkJsonNesting(text: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > max) throw new Refusal(RefusalCode.JSON_TOO_DEEP, `The request's JSON is nested deeper than ${max} levels`);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
  }
}

/**
 * Bounds a query text, cheapest check first: its length, then its tokens (the
 * lexer stops at the limit; bracket nesting is counted on the way, so the
 * recursive parser never meets a deep document), then the parsed document's
 * fields, aliases, repeated response names and directives. Everything here is
 * linear in the text; graphql's validation, some of whose rules grow with the
 * square of the selections, only ever sees documents that passed.
 */
export function checkQuery(query: string, limits: FrontDoorLimits): DocumentNode {
  if (query.length > limits.maxQueryLength) throw new Refusal(RefusalCode.QUERY_TOO_LONG, `The query is longer than ${limits.maxQueryLength} characters`);
  countTokens(query, limits);
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens });
  } catch (error) {
    throw new Refusal(RefusalCode.GRAPHQL_PARSE_FAILED, error instanceof GraphQLError ? error.message : 'The query could not be parsed');
  }
  countSelections(document, limits);
  return document;
}

/**
 * checkQuery with a memory of the texts that passed. Clients send the same few
 * operations again and again, and a text's bounds do not change, so a repeat
 * costs a lookup instead of a lex and a parse. Refused texts are never kept;
 * long ones are not either, so the memory stays small (at most
 * `capacity` × `maxLength` characters), and it starts over when full.
 */
export function rememberingQueryCheck(limits: FrontDoorLimits, capacity = 1_000, maxLength = 10_000): (query: string) => void {
  const passed = new Set<string>();
  return (query) => {
    if (passed.has(query)) return;
    checkQuery(query, limits);
    if (query.length > maxLength) return;
    if (passed.size >= capacity) passed.clear();
    passed.add(query);
  };
}

function countTokens(query: string, limits: FrontDoorLimits): void {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let depth = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > limits.maxTokens) throw new Refusal(RefusalCode.TOO_MANY_TOKENS, `The query has more than ${limits.maxTokens} tokens`);
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.PAREN_L || token.kind === TokenKind.BRACKET_L) {
        depth += 1;
        if (depth > limits.maxNesting) throw new Refusal(RefusalCode.QUERY_TOO_DEEP, `The query is nested deeper than ${limits.maxNesting} levels`);
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.PAREN_R || token.kind === TokenKind.BRACKET_R) depth -= 1;
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw new Refusal(RefusalCode.GRAPHQL_PARSE_FAILED, error instanceof GraphQLError ? error.message : 'The query could not be parsed');
  }
}

/**
 * Counts over the whole document, with an explicit stack. A selection set's
 * response names are counted with its inline fragments' (validation compares
 * all of them with each other); named fragments are counted where defined.
 */
function countSelections(document: DocumentNode, limits: FrontDoorLimits): void {
  let fields = 0;
  let aliases = 0;
  let directives = 0;
  const addDirectives = (n: number) => {
    directives += n;
    if (directives > limits.maxDirectives) throw new Refusal(RefusalCode.TOO_MANY_DIRECTIVES, `The query uses more than ${limits.maxDirectives} directives`);
  };
  const sets: Array<readonly SelectionNode[]> = [];
  for (const definition of document.definitions) {
    const selectable = selectableDefinition(definition);
    if (!selectable) continue;
    addDirectives(selectable.directives);
    sets.push(selectable.selections);
  }
  for (let set = sets.pop(); set; set = sets.pop()) {
    const seen = new Map<string, number>();
    const pending = [...set];
    for (let selection = pending.pop(); selection; selection = pending.pop()) {
      addDirectives(selection.directives?.length ?? 0);
      if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(...selection.selectionSet.selections);
      if (selection.kind !== Kind.FIELD) continue;
      fields += 1;
      if (fields > limits.maxFields) throw new Refusal(RefusalCode.TOO_MANY_FIELDS, `The query selects more than ${limits.maxFields} fields`);
      if (selection.alias) {
        aliases += 1;
        if (aliases > limits.maxAliases) throw new Refusal(RefusalCode.TOO_MANY_ALIASES, `The query uses more than ${limits.maxAliases} aliases`);
      }
      const name = (selection.alias ?? selection.name).value;
      const times = (seen.get(name) ?? 0) + 1;
      if (times > limits.maxRepeatedFields) {
        throw new Refusal(RefusalCode.TOO_MANY_REPEATED_FIELDS, `"${name}" appears more than ${limits.maxRepeatedFields} times in one selection`);
      }
      seen.set(name, times);
      if (selection.selectionSet) sets.push(selection.selectionSet.selections);
    }
  }
}

function selectableDefinition(definition: DefinitionNode): { directives: number; selections: readonly SelectionNode[] } | null {
  if (definition.kind === Kind.OPERATION_DEFINITION) {
    const onVariables = (definition.variableDefinitions ?? []).reduce((n, v) => n + (v.directives?.length ?? 0), 0);
    return { directives: (definition.directives?.length ?? 0) + onVariables, selections: definition.selectionSet.selections };
  }
  if (definition.kind === Kind.FRAGMENT_DEFINITION) return { directives: definition.directives?.length ?? 0, selections: definition.selectionSet.selections };
  return null;
}

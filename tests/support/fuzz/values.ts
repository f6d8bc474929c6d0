import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  print,
  visit,
  type ConstValueNode,
  type GraphQLInputType,
  type OperationDefinitionNode,
} from 'graphql';
import { inputPlaces, leafKind, type FuzzOperation, type LeafKind } from './operations';

/** The JSON a client can send as variables. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Nested arrays or objects `depth` levels deep, well under the gateway's body limit. */
function nested(depth: number, asObject: boolean): Json {
  let value: Json = 'x';
  for (let i = 0; i < depth; i += 1) value = asObject ? { a: value } : [value];
  return value;
}

const NUL = '\u0000';

const wrongTypes: Json[] = [null, true, false, 0, -1, 1.5, '', 'x', [], {}, [null], { id: 'x' }, ['a', 'b']];

const boundaryNumbers: Json[] = [
  0,
  -0,
  1,
  -1,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_648,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  1e21,
  -1e300,
  1.7976931348623157e308,
  5e-324,
  0.1,
  101,
  10_001,
];

const malformedIds: Json[] = [
  '',
  ' ',
  'x',
  '0',
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000',
  '00000000-0000-0000-0000-0000000000000',
  'g0000000-0000-0000-0000-000000000000',
  `00000000-0000-0000-0000-00000000000${NUL}`,
  ' 00000000-0000-0000-0000-000000000000',
  '00000000-0000-0000-0000-000000000000 ',
  '{00000000-0000-0000-0000-000000000000}',
  '00000000000000000000000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  "1' OR '1'='1",
  '%',
  '\\',
];

const impossibleDates: Json[] = [
  '2026-02-30',
  '2026-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-04-31',
  '0000-00-00',
  '9999-12-32',
  '2026-1-5',
  '20260105',
  '2026-01-05T00:00:00Z',
  ' 2026-01-05',
  '2026-01-05 ',
  `2026-01-05${NUL}`,
  '+02026-01-05',
  '-2026-01-05',
  'infinity',
  '-infinity',
  'epoch',
  'today',
  '0001-01-01',
  '9999-12-31',
];

const badDateTimes: Json[] = [
  '2026-02-30T00:00:00Z',
  '2026-01-05T25:00:00Z',
  '2026-01-05T10:00:00',
  '2026-01-05T10:00:00+25:00',
  'now',
  `2026-01-05T10:00:00Z${NUL}`,
];

const badDecimals: Json[] = [
  '1e3',
  '1E3',
  '1e-3',
  '1,000.00',
  '1 000.00',
  '1000.',
  '.5',
  '+1',
  '--1',
  '0x10',
  'NaN',
  'Infinity',
  '-Infinity',
  '',
  ' 1.00',
  '1.00 ',
  `1.00${NUL}`,
  '1.0000001',
  '١٢٣',
  '9'.repeat(40),
  `${'9'.repeat(40)}.99`,
  `-${'9'.repeat(40)}`,
  '9'.repeat(19),
  '0.' + '0'.repeat(39) + '1',
  1000,
  1.5,
];

/** Inside the Decimal grammar but beyond what the money columns hold (numeric(14,2) keeps 12 integer digits). */
const hugeButWellFormedDecimals: Json[] = ['9999999999999.99', '99999999999999.99', '999999999999999999', '-999999999999999999.999999', '100000000000000000.5'];

function randomCursor(bytes: string): string {
  return Buffer.from(bytes, 'utf8').toString('base64url');
}

const badCursors: Json[] = [
  '',
  NUL,
  `abc${NUL}`,
  'not base64!',
  '====',
  randomCursor('[]'),
  randomCursor(`["${NUL}"]`),
  randomCursor('["2026-01-01T00:00:00.000000Z","x"]'),
  randomCursor('["2026-02-30T00:00:00.000000Z","00000000-0000-0000-0000-000000000000"]'),
  randomCursor('[1e400]'),
  randomCursor('{"a":1}'),
  randomCursor('null'),
  randomCursor(JSON.stringify(nested(200, false))),
  randomCursor(`["a${NUL}b"]`),
  randomCursor('["a","b","c","d","e"]'),
  randomCursor('[9007199254740993]'),
];

const hostileStrings: Json[] = ['', ' ', NUL, `a${NUL}b`, '\uD800', '\uFFFF', '😀'.repeat(50), "'; --", '%_%', '\\', '\n\r\t'];

/** A long string, under the gateway's body limit. */
const longString = fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'a'.repeat(n));

const arbitraryText = fc.string({ unit: 'binary', maxLength: 40 });

const byKind: Record<LeafKind, fc.Arbitrary<Json>> = {
  id: fc.oneof(
    fc.constantFrom(...malformedIds),
    fc.constant(null).map(() => randomUUID()),
  ),
  date: fc.oneof(
    fc.constantFrom(...impossibleDates),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  ),
  dateTime: fc.constantFrom(...badDateTimes, ...impossibleDates),
  decimal: fc.oneof(
    fc.constantFrom(...badDecimals),
    fc.constantFrom(...hugeButWellFormedDecimals),
    fc.bigInt({ min: 1n, max: 10n ** 45n }).map((n) => n.toString()),
    fc.double({ noNaN: true }).map((n) => String(n)),
  ),
  int: fc.oneof(fc.constantFrom(...boundaryNumbers), fc.integer()),
  float: fc.constantFrom(...boundaryNumbers),
  boolean: fc.constantFrom<Json>('true', 0, 1, 'yes'),
  enum: fc.oneof(fc.constantFrom<Json>('', 'active', 'NOT_A_VALUE', '__typename', NUL, 1), arbitraryText),
  cursor: fc.constantFrom(...badCursors),
  string: fc.oneof(fc.constantFrom(...hostileStrings), longString, arbitraryText),
};

/** A hostile value for a place of a given kind: mostly one that suits the kind, sometimes any wrong type or a deep nest. */
export interface Hostile {
  wrongType: Json;
  deep: Json;
  choice: number;
}

export const hostile: fc.Arbitrary<Hostile> = fc.record({
  wrongType: fc.oneof(fc.constantFrom(...wrongTypes), fc.constantFrom(...boundaryNumbers)),
  deep: fc.tuple(fc.integer({ min: 20, max: 400 }), fc.boolean()).map(([depth, asObject]) => nested(depth, asObject)),
  choice: fc.integer({ min: 0, max: 99 }),
});

/** The suited values of every kind, drawn together so a case is one record fast-check can shrink. */
export const suitedValues: fc.Arbitrary<Record<LeafKind, Json>> = fc.record(byKind);

/** A well-formed value of a type, for the variables a case does not attack. */
export function validValue(type: GraphQLInputType, fieldName: string, ids: Record<string, string>): Json {
  if (isNonNullType(type)) return validValue(type.ofType, fieldName, ids);
  if (isListType(type)) return [validValue(type.ofType, fieldName, ids)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, validValue(f.type, f.name, ids)]));
  }
  if (isEnumType(type)) return type.getValues()[0]?.value ?? null;
  switch (leafKind(type, fieldName)) {
    case 'id':
      return ids[fieldName] ?? ids.id ?? randomUUID();
    case 'date':
      return '2026-03-31';
    case 'dateTime':
      return '2026-03-31T10:00:00Z';
    case 'decimal':
      return '100.00';
    case 'int':
    case 'float':
      return 10;
    case 'boolean':
      return false;
    case 'cursor':
      return null;
    default:
      return fieldName === 'currency' ? 'EUR' : fieldName === 'email' || fieldName === 'contactEmail' ? 'fuzz@example.com' : 'fuzz';
  }
}

function setAt(value: Json, path: ReadonlyArray<string | number>, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const list = Array.isArray(value) ? [...value] : [];
    list[head] = setAt(list[head] ?? null, rest, replacement);
    return list;
  }
  const object = value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
  object[head!] = setAt(object[head!] ?? null, rest, replacement);
  return object;
}

/** One fuzz case: an operation, its variables with one place replaced by a hostile value, and whether to send them inline. */
export interface FuzzCase {
  operation: FuzzOperation;
  variables: Record<string, Json>;
  inline: boolean;
  /** What was put where, for the failure message. */
  attack: string;
}

export function buildCase(
  operation: FuzzOperation,
  base: Record<string, Json>,
  choice: { place: number; hostile: Hostile; suited: Record<LeafKind, Json>; inline: boolean },
): FuzzCase {
  const places = inputPlaces(operation);
  if (places.length === 0) return { operation, variables: base, inline: choice.inline, attack: 'no variables' };
  const place = places[choice.place % places.length]!;
  const kind = getNamedType(place.type) && !isInputObjectType(getNamedType(place.type)) ? leafKind(place.type, place.fieldName) : null;
  const { choice: roll } = choice.hostile;
  const replacement = kind && roll < 70 ? choice.suited[kind] : roll < 90 ? choice.hostile.wrongType : choice.hostile.deep;
  const variables = setAt(base, place.path, replacement) as Record<string, Json>;
  const shown = JSON.stringify(replacement);
  return { operation, variables, inline: choice.inline, attack: `${place.path.join('.')} = ${shown.length > 120 ? `${shown.slice(0, 120)}…` : shown}` };
}

/** A GraphQL literal for a JSON value, an enum value where the type expects one and the text can be one. */
function literal(value: Json, type: GraphQLInputType | null): ConstValueNode {
  const inner = type && isNonNullType(type) ? type.ofType : type;
  if (value === null) return { kind: Kind.NULL };
  if (Array.isArray(value)) return { kind: Kind.LIST, values: value.map((v) => literal(v, inner && isListType(inner) ? inner.ofType : null)) };
  if (typeof value === 'object') {
    const fields = inner && isInputObjectType(inner) ? inner.getFields() : {};
    return {
      kind: Kind.OBJECT,
      fields: Object.entries(value).map(([k, v]) => ({
        kind: Kind.OBJECT_FIELD,
        name: { kind: Kind.NAME, value: k },
        value: literal(v, fields[k]?.type ?? null),
      })),
    };
  }
  if (typeof value === 'boolean') return { kind: Kind.BOOLEAN, value };
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 1e21 ? { kind: Kind.INT, value: String(value) } : { kind: Kind.FLOAT, value: String(value) };
  if (inner && isEnumType(inner) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) && !['true', 'false', 'null'].includes(value)) return { kind: Kind.ENUM, value };
  return { kind: Kind.STRING, value };
}

/** The case's operation with its variables written into the document as literals. */
export function inlined(fuzzCase: FuzzCase): string {
  const types = new Map(fuzzCase.operation.variables.map((v) => [v.name, v.type]));
  const document = visit(parse(fuzzCase.operation.query), {
    OperationDefinition: (node: OperationDefinitionNode) => ({ ...node, variableDefinitions: [] }),
    Variable: (node) => {
      const name = node.name.value;
      return literal(fuzzCase.variables[name] ?? null, types.get(name) ?? null);
    },
  });
  return print(document);
}

import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isDateText, isDateTimeText, isDecimalText } from '../../platform/scalar-grammar';
import { badUserInput } from './errors';

function literalString(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw badUserInput(`${scalar} must be given as a string`);
  return ast.value;
}

function parseDecimal(value: unknown): string {
  if (!isDecimalText(value)) {
    throw badUserInput(`Decimal must be a string like "1200.00" (at most 6 decimals), got ${JSON.stringify(value)}`);
  }
  return value === '-0' ? '0' : value;
}

/** Exact decimal number carried as a string so no client or server rounds it through a float. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "1200.00". Never a float.',
  serialize: (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'bigint') return value.toString();
    throw new TypeError('Decimal values must be strings or bigints on the server');
  },
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(literalString(ast, 'Decimal')),
});

function parseDate(value: unknown): string {
  if (!isDateText(value)) throw badUserInput(`Date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

/** Calendar date without time or zone. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => {
    if (typeof value === 'string') return value;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw new TypeError('Date values must be YYYY-MM-DD strings');
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literalString(ast, 'Date')),
});

function parseDateTime(value: unknown): Date {
  if (!isDateTimeText(value)) {
    throw badUserInput(`DateTime must be ISO 8601 with a time zone, got ${JSON.stringify(value)}`);
  }
  return new Date(value);
}

/** An instant, ISO 8601 with a time zone. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in ISO 8601 with a time zone, e.g. "2026-01-05T09:30:00Z".',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
    throw new TypeError('DateTime values must be Date objects or ISO strings');
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literalString(ast, 'DateTime')),
});

export const scalarResolvers = { Decimal: DecimalScalar, Date: DateScalar, DateTime: DateTimeScalar };

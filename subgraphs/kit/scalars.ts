import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isCalendarDate } from '../../platform/dates';
import { badUserInput } from './errors';

const DECIMAL = /^-?(0|[1-9]\d{0,17})(\.\d{1,6})?$/;

function literalString(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw badUserInput(`${scalar} must be given as a string`);
  return ast.value;
}

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
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
  if (typeof value !== 'string' || !isCalendarDate(value)) throw badUserInput(`Date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
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

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  // Date.parse rolls impossible days over (2026-02-30 → March 2nd), so the calendar day is checked on its own.
  if (typeof value !== 'string' || !DATE_TIME.test(value) || !isCalendarDate(value.slice(0, 10)) || Number.isNaN(Date.parse(value))) {
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

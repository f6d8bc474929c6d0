import { GraphQLError, parseValue, type GraphQLScalarType } from 'graphql';
import { isCalendarDate } from '../../platform/dates';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../../subgraphs/kit/scalars';

function refusedValue(scalar: GraphQLScalarType, value: unknown): void {
  expect(() => scalar.parseValue(value)).toThrow(GraphQLError);
  try {
    scalar.parseValue(value);
  } catch (error) {
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
  }
}

function literal(scalar: GraphQLScalarType, source: string): unknown {
  return scalar.parseLiteral(parseValue(source), undefined);
}

describe('Decimal', () => {
  it('accepts exact decimal strings', () => {
    for (const v of ['0', '1200', '1200.00', '-15.5', '0.000001', '999999999999999999.999999']) expect(DecimalScalar.parseValue(v)).toBe(v);
    expect(DecimalScalar.parseValue('-0')).toBe('0');
    expect(literal(DecimalScalar, '"1200.50"')).toBe('1200.50');
  });

  it('refuses numbers, floats included, from variables and literals', () => {
    for (const v of [1200, 12.5, 0.1, Number.NaN]) refusedValue(DecimalScalar, v);
    expect(() => literal(DecimalScalar, '12.5')).toThrow(GraphQLError);
    expect(() => literal(DecimalScalar, '1200')).toThrow(GraphQLError);
  });

  it('refuses strings that are not plain decimals', () => {
    for (const v of [
      '',
      ' 1',
      '1 ',
      '1e5',
      '0x10',
      '01',
      '+1',
      '1.',
      '.5',
      '1.0000001',
      '1,5',
      'NaN',
      'Infinity',
      '1234567890123456789',
      null,
      undefined,
      {},
      [],
    ]) {
      refusedValue(DecimalScalar, v);
    }
  });

  it('serializes strings and bigints, never floats', () => {
    expect(DecimalScalar.serialize('10.50')).toBe('10.50');
    expect(DecimalScalar.serialize(10n)).toBe('10');
    expect(() => DecimalScalar.serialize(10.5)).toThrow(TypeError);
  });
});

describe('Date', () => {
  it('accepts real calendar dates, leap days included', () => {
    for (const v of ['2026-01-05', '2024-02-29', '2000-02-29', '2026-12-31']) expect(DateScalar.parseValue(v)).toBe(v);
    expect(literal(DateScalar, '"2026-03-01"')).toBe('2026-03-01');
  });

  it('refuses dates that do not exist and other shapes', () => {
    for (const v of [
      '2026-02-30',
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-1-5',
      '26-01-05',
      '2026-01-05T00:00:00Z',
      '',
      20260105,
      null,
    ]) {
      refusedValue(DateScalar, v);
    }
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(() => literal(DateScalar, '20260105')).toThrow(GraphQLError);
  });

  it('serializes Date objects as their UTC calendar day', () => {
    expect(DateScalar.serialize(new Date(Date.UTC(2026, 0, 5, 23, 59)))).toBe('2026-01-05');
    expect(DateScalar.serialize('2026-01-05')).toBe('2026-01-05');
    expect(() => DateScalar.serialize(5)).toThrow(TypeError);
  });
});

describe('DateTime', () => {
  it('accepts ISO 8601 instants with a zone', () => {
    expect(DateTimeScalar.parseValue('2026-01-05T09:30:00Z')).toEqual(new Date(Date.UTC(2026, 0, 5, 9, 30)));
    expect(DateTimeScalar.parseValue('2026-01-05T09:30:00.250+02:00')).toEqual(new Date(Date.UTC(2026, 0, 5, 7, 30, 0, 250)));
    expect(DateTimeScalar.parseValue('2024-02-29T00:00Z')).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(literal(DateTimeScalar, '"2026-01-05T09:30:00Z"')).toEqual(new Date(Date.UTC(2026, 0, 5, 9, 30)));
  });

  it('refuses instants without a zone, impossible times and non-strings', () => {
    for (const v of [
      '2026-01-05T09:30:00',
      '2026-01-05',
      '2026-01-05 09:30:00Z',
      '2026-01-05T25:00:00Z',
      '2026-01-05T09:60:00Z',
      '2026-13-05T09:30:00Z',
      'yesterday',
      1767605400000,
      null,
    ]) {
      refusedValue(DateTimeScalar, v);
    }
  });

  it('refuses calendar days that do not exist instead of rolling them over', () => {
    // JavaScript's Date.parse reads 2026-02-30 as March 2nd.
    for (const v of ['2026-02-30T00:00:00Z', '2026-04-31T12:00:00+02:00', '2026-02-29T10:00:00Z']) refusedValue(DateTimeScalar, v);
  });

  it('serializes to UTC ISO strings', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 0, 5, 9, 30)))).toBe('2026-01-05T09:30:00.000Z');
    expect(DateTimeScalar.serialize('2026-01-05T11:30:00+02:00')).toBe('2026-01-05T09:30:00.000Z');
    expect(() => DateTimeScalar.serialize('not a time')).toThrow(TypeError);
  });
});

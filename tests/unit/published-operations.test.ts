import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { loadAccepted, loadCurrent, publishedBreakages, schemaBreakages } from '../../scripts/published-operations';

// A release's published operations keep working: a change that removes what
// one of them selects, or drops it from the manifest, is caught before it lands.

const { schema, manifest } = loadCurrent();

function releaseDir(operations: Array<{ id: string; name: string; body: string }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-published-'));
  fs.writeFileSync(path.join(dir, 'v9.9.9.json'), JSON.stringify({ operations }));
  return dir;
}

it('finds every released operation still valid and still in the manifest', () => {
  expect(publishedBreakages(schema, manifest)).toEqual([]);
});

it('names an operation whose field the schema lost', () => {
  const plans = manifest.operations.find((o) => o.name === 'Plans')!;
  // The same schema without Plan.monthlyPrice, as a careless change would leave it.
  const sdl = printSchema(lexicographicSortSchema(schema)).replace(/\n\s*"""[^"]*"""\n\s*monthlyPrice: Money!|\n\s*monthlyPrice: Money!/, '');
  expect(sdl).not.toContain('monthlyPrice');
  const breakages = publishedBreakages(buildSchema(sdl), manifest, releaseDir([plans]));
  expect(breakages).toEqual([{ release: 'v9.9.9', operation: 'Plans', problem: expect.stringContaining('monthlyPrice') }]);
});

it('names an operation that left the manifest, since partners call it by id', () => {
  const gone = { id: 'f'.repeat(64), name: 'GoneQuery', body: '{ plans { code } }' };
  expect(publishedBreakages(schema, manifest, releaseDir([gone]))).toEqual([
    { release: 'v9.9.9', operation: 'GoneQuery', problem: expect.stringContaining('no longer in the manifest') },
  ]);
});

describe('the API schema against the last release', () => {
  function releasedAs(sdl: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-released-'));
    fs.writeFileSync(path.join(dir, 'v0.9.0.graphql'), 'type Query { old: String }');
    fs.writeFileSync(path.join(dir, 'v0.10.0.graphql'), sdl);
    return dir;
  }
  const today = printSchema(lexicographicSortSchema(schema));

  it('finds no breaking change between the last release and today', () => {
    expect(schemaBreakages(schema, loadAccepted())).toEqual([]);
  });

  it('fails a deliberately breaking change, judged against the newest release by version, not by name', () => {
    // The release had Plan.monthlyPrice; today's schema (as a careless change would leave it) has not.
    const withoutPrice = buildSchema(today.replace(/\n\s*"""[^"]*"""\n\s*monthlyPrice: Money!|\n\s*monthlyPrice: Money!/, ''));
    expect(schemaBreakages(withoutPrice, [], releasedAs(today))).toEqual([
      { release: 'v0.10.0', type: 'FIELD_REMOVED', description: 'Plan.monthlyPrice was removed.' },
    ]);
  });

  it('lets a break through only when it is accepted with its reason, and never an added field as a break', () => {
    const withoutPrice = buildSchema(today.replace(/\n\s*"""[^"]*"""\n\s*monthlyPrice: Money!|\n\s*monthlyPrice: Money!/, ''));
    expect(
      schemaBreakages(withoutPrice, [{ description: 'Plan.monthlyPrice was removed.', reason: 'prices moved to Plan.prices' }], releasedAs(today)),
    ).toEqual([]);
    const withMore = buildSchema(today.replace('type Query {', 'type Query {\n  somethingNew: String'));
    expect(schemaBreakages(withMore, [], releasedAs(today))).toEqual([]);
  });

  it('refuses an accepted break without a reason', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-accepted-')), 'accepted.json');
    fs.writeFileSync(file, JSON.stringify([{ description: 'Plan.monthlyPrice was removed.', reason: ' ' }]));
    expect(() => loadAccepted(file)).toThrow(/needs a description and a reason/);
  });
});

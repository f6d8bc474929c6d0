import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { loadCurrent, publishedBreakages } from '../../scripts/published-operations';

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

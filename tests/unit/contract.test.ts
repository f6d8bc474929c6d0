import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { composeSupergraph } from '../../schema/compose';
import { discoverSubgraphs } from '../../platform/subgraphs';

const root = path.resolve(__dirname, '..', '..');
const contractDir = path.join(root, 'operations', 'contract');
const sharedDir = path.join(root, '..', 'shared', 'contract', 'operations');

/** The subgraphs each contract file needs before it can validate. */
const NEEDS: Record<string, string[]> = {
  'access.graphql': ['access'],
  'employees.graphql': ['employees'],
  'assets.graphql': ['assets', 'employees'],
  'finance.graphql': ['finance'],
  'payroll.graphql': ['payroll', 'employees', 'finance'],
  'overview.graphql': ['access', 'assets', 'employees', 'finance', 'payroll'],
};

const present = new Set(discoverSubgraphs().map((m) => m.name));
const apiSchema = buildSchema(fs.readFileSync(path.join(root, 'schema', 'api-schema.graphql'), 'utf8'));
const files = fs.readdirSync(contractDir).filter((f) => f.endsWith('.graphql'));
const servable = files.filter((f) => (NEEDS[f] ?? []).every((s) => present.has(s)));

describe('the public contract', () => {
  it('keeps its copy of the shared contract identical to the original', () => {
    if (!fs.existsSync(sharedDir)) return; // a clone without shared/ beside it checks only the copy
    for (const file of fs.readdirSync(sharedDir)) {
      expect(`${file}:\n${fs.readFileSync(path.join(contractDir, file), 'utf8')}`).toBe(`${file}:\n${fs.readFileSync(path.join(sharedDir, file), 'utf8')}`);
    }
  });

  it('knows which subgraphs every contract file needs', () => {
    expect(files.sort()).toEqual(Object.keys(NEEDS).sort());
    expect(servable).toContain('access.graphql');
  });

  it.each(servable)('%s validates against the supergraph API schema', (file) => {
    const errors = validate(apiSchema, parse(fs.readFileSync(path.join(contractDir, file), 'utf8')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('committed supergraph matches what the subgraphs compose to', () => {
    const { supergraphSdl, apiSchemaSdl } = composeSupergraph();
    expect(fs.readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8')).toBe(supergraphSdl);
    expect(fs.readFileSync(path.join(root, 'schema', 'api-schema.graphql'), 'utf8')).toBe(apiSchemaSdl);
  });

  it('documents every type and field of the API schema (Sandbox is the manual)', () => {
    const undocumented: string[] = [];
    for (const type of Object.values(apiSchema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) undocumented.push(type.name);
      if ('getFields' in type) {
        for (const field of Object.values(type.getFields())) if (!field.description) undocumented.push(`${type.name}.${field.name}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});

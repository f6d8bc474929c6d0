import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import {
  DEFAULT_LIST_SIZE,
  DEFAULT_PAGE_SIZE,
  INTROSPECTION_COST,
  MAX_PAGE_SIZE,
  MUTATION_BASE_COST,
  operationCost,
  resultCost,
  type CostOptions,
} from '../../gateway/query-cost';

const schema = buildSchema(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'api-schema.graphql'), 'utf8'));
const cost = (query: string, options: CostOptions = {}, operationName?: string) => operationCost(schema, parse(query), operationName, options);

describe('operationCost', () => {
  it('charges 1 per object and nothing for scalars', () => {
    expect(cost('{ me { company { slug name } } }')).toBe(2);
    expect(cost('{ __typename }')).toBe(0);
  });

  it('multiplies a connection page by first, and lists without first by the default size', () => {
    // employees (1) + 7 × (Edge 0 + Employee 1 + 10 assets × 1)
    expect(cost('{ employees(first: 7) { edges { node { id assets { id } } } } }')).toBe(1 + 7 * (1 + DEFAULT_LIST_SIZE));
    expect(cost('{ employees { edges { node { id } } } }')).toBe(1 + DEFAULT_PAGE_SIZE);
    expect(cost('{ employees(first: 5000) { edges { node { id } } } }')).toBe(1 + MAX_PAGE_SIZE);
  });

  it('counts each alias of a field on its own', () => {
    expect(cost('{ a: employees(first: 10) { edges { node { id } } } b: employees(first: 10) { edges { node { id } } } }')).toBe(2 * (1 + 10));
  });

  it('multiplies nested lists', () => {
    const nested = '{ employees(first: 100) { edges { node { id assets { id assignments { id } } payslips { id } } } } }';
    expect(cost(nested)).toBe(1 + 100 * (1 + DEFAULT_LIST_SIZE * (1 + DEFAULT_LIST_SIZE) + DEFAULT_LIST_SIZE));
  });

  it('applies variables, their defaults, and assumes the largest page when conservative', () => {
    const query = 'query Page($n: Int = 3) { employees(first: $n) { edges { node { id } } } }';
    expect(cost(query, { variables: { n: 9 } })).toBe(1 + 9);
    expect(cost(query)).toBe(1 + 3);
    expect(cost('query Page($n: Int) { employees(first: $n) { edges { node { id } } } }', { conservative: true })).toBe(1 + MAX_PAGE_SIZE);
  });

  it('counts fragments and inline fragments on their type, and leaves skipped fields out', () => {
    const query = `query Q($hide: Boolean!) {
      me { ...Who }
      employees(first: 2) { edges { node { ... on Employee { manager { id } } reports @skip(if: $hide) { id } } } }
    }
    fragment Who on Me { company { slug } }`;
    expect(cost(query, { variables: { hide: true } })).toBe(2 + 1 + 2 * (1 + 1));
    expect(cost(query, { variables: { hide: false } })).toBe(2 + 1 + 2 * (1 + 1 + DEFAULT_LIST_SIZE));
    expect(cost(query, { conservative: true })).toBe(2 + 1 + 2 * (1 + 1 + DEFAULT_LIST_SIZE));
  });

  it('starts a mutation at its base cost', () => {
    const mutation = 'mutation R($input: RegisterAssetInput!) { registerAsset(input: $input) { asset { id } userErrors { code } } }';
    expect(cost(mutation)).toBe(MUTATION_BASE_COST + 1 + DEFAULT_LIST_SIZE);
  });

  it('weighs the fields of the weights table', () => {
    expect(cost('{ overview { crossModule { __typename } } }')).toBe(10 + 5);
  });

  it('charges introspection a flat amount', () => {
    expect(cost(getIntrospectionQuery())).toBe(INTROSPECTION_COST);
    expect(cost('{ __type(name: "Employee") { name fields { name } } }')).toBe(INTROSPECTION_COST);
  });

  it('picks the named operation, and answers null when there is none to pick', () => {
    const two = 'query A { me { company { slug } } } query B { employees(first: 1) { edges { node { id } } } }';
    expect(cost(two, {}, 'B')).toBe(2);
    expect(cost(two)).toBeNull();
    expect(cost(two, {}, 'C')).toBeNull();
  });

  it('costs a repeated document anew for other variables, another operation or another schema', () => {
    // A repeated query is the same parsed document: its cost is remembered, but only for what it was computed with.
    const document = parse('query A($n: Int) { employees(first: $n) { edges { node { id } } } } query B { me { company { slug } } }');
    expect(operationCost(schema, document, 'A', { variables: { n: 5 } })).toBe(1 + 5);
    expect(operationCost(schema, document, 'A', { variables: { n: 50 } })).toBe(1 + 50);
    expect(operationCost(schema, document, 'A', { variables: { n: 5 } })).toBe(1 + 5);
    expect(operationCost(schema, document, 'A', { conservative: true })).toBe(1 + MAX_PAGE_SIZE);
    expect(operationCost(schema, document, 'A', {})).toBe(1 + DEFAULT_PAGE_SIZE);
    expect(operationCost(schema, document, 'B')).toBe(2);
    // A new supergraph whose page sizes differ: the cost remembered for the old one is not its.
    const items = parse('{ items { id } }');
    expect(operationCost(buildSchema('type Query { items(first: Int = 5): [Item!]! } type Item { id: ID! }'), items)).toBe(5);
    expect(operationCost(buildSchema('type Query { items(first: Int = 30): [Item!]! } type Item { id: ID! }'), items)).toBe(30);
  });
});

describe('resultCost', () => {
  it('counts the items an answer holds instead of the page asked for', () => {
    const query = '{ employees(first: 100) { edges { node { id boss: manager { id } assets { id } } } } }';
    const data = {
      employees: {
        edges: [{ node: { id: '1', boss: { id: '2' }, assets: [{ id: 'a' }, { id: 'b' }] } }, { node: { id: '2', boss: null, assets: [] } }],
      },
    };
    expect(resultCost(schema, parse(query), null, data)).toBe(1 + (1 + 1 + 2) + 1);
  });
});

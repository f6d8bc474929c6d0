import { parse } from 'graphql';
import { fetchPaths, selectedNames } from '../../gateway/fetch-paths';

describe('the paths a subgraph fetch would have filled', () => {
  it('are the root fields of a root fetch, by response name', () => {
    const document = parse('query Q__assets__0 { assets(first: 10) { totalCount } listed: locations { name } __typename }');
    expect(fetchPaths(document, {})).toEqual([['assets'], ['listed']]);
  });

  it('are each field of each entity of an entity fetch, through its fragments', () => {
    const document = parse(`query Q__assets__1($representations: [_Any!]!) {
      _entities(representations: $representations) {
        __typename
        ... on Employee { id assets { id } history: assetHistory { assignedAt } }
        ... on Asset { ...Tag }
      }
    }
    fragment Tag on Asset { tag }`);
    const representations = [
      { __typename: 'Employee', id: 'e1' },
      { __typename: 'Asset', id: 'a1' },
      { __typename: 'Employee', id: 'e2' },
    ];
    expect(fetchPaths(document, { representations })).toEqual([
      ['_entities', 0, 'id'],
      ['_entities', 0, 'assets'],
      ['_entities', 0, 'history'],
      ['_entities', 1, 'tag'],
      ['_entities', 2, 'id'],
      ['_entities', 2, 'assets'],
      ['_entities', 2, 'history'],
    ]);
  });

  it("leave out entity fields the client's operation never selects: what the planner added for another subgraph's @requires", () => {
    const client = parse('query Overview { overview { payroll { payRuns } crossModule { payrollEmployees { activeHeadcount } } } }');
    const document = parse(
      'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Overview { payroll { payRuns } payrollFacts { currency } } } }',
    );
    expect(fetchPaths(document, { representations: [{ __typename: 'Overview', tenantId: 't1' }] }, selectedNames(client))).toEqual([
      ['_entities', 0, 'payroll'],
    ]);
    const aliased = parse('{ overview { run: payroll { payRuns } } }');
    const aliasedFetch = parse(
      'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Overview { run: payroll { payRuns } } } }',
    );
    expect(fetchPaths(aliasedFetch, { representations: [{ __typename: 'Overview', tenantId: 't1' }] }, selectedNames(aliased))).toEqual([
      ['_entities', 0, 'run'],
    ]);
  });

  it('fall back to the entity itself when no field applies to its type', () => {
    const document = parse('query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Asset { tag } } }');
    expect(fetchPaths(document, { representations: [{ __typename: 'Employee', id: 'e1' }] })).toEqual([['_entities', 0]]);
  });

  it('stop at a fragment that spreads itself', () => {
    const document = parse('query { me { ...Loop } } fragment Loop on Me { id ...Loop }');
    expect(fetchPaths(document, {})).toEqual([['me']]);
  });
});

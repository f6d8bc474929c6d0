import { contractOperation } from '../support/contract';
import { runCampaign, startFuzzTarget, type FuzzTarget } from '../support/fuzz/campaign';
import { exampleVariables, graphql } from '../support/stack';

/** Cases per CI run; bench-length runs set FUZZ_RUNS. The seed is fixed so a failure replays. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);

let target: FuzzTarget;
beforeAll(async () => {
  // The campaign sends hundreds of requests with one key: the per-key limit is not what is under test.
  target = await startFuzzTarget({ perKeyPerMinute: 100_000 });
});
afterAll(async () => {
  await target?.stop();
});

const codes = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) => (errors ?? []).map((e) => e.extensions?.code);

describe('bad input through the gateway', () => {
  it('answers every mutated operation of the manifest with a coded client error, never an internal one', async () => {
    const result = await runCampaign(target, { runs: RUNS, seed: SEED });
    process.stdout.write(`fuzz: ${result.cases} cases (seed ${SEED}) in ${Math.round(result.millis)} ms, ${result.failures.length} failed\n`);
    expect(result.cases).toBe(RUNS);
    expect(result.failures).toEqual([]);
    expect(target.errorLines).toEqual([]);
  });

  it('refuses a money amount outside the Decimal grammar at the gateway, as a variable', async () => {
    const { input } = exampleVariables<{ input: { salvageValue: Record<string, unknown> } }>('RegisterAsset');
    for (const amount of ['1e3', '1,000.00', '1234567890123456789012345678901234567890']) {
      const res = await graphql(
        target.t.gatewayUrl,
        contractOperation('assets.graphql', 'RegisterAsset'),
        { input: { ...input, salvageValue: { ...input.salvageValue, amount } } },
        { token: target.company.secret },
      );
      expect(res.status).toBe(400);
      expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses an impossible date written inline', async () => {
    const res = await graphql(
      target.t.gatewayUrl,
      `
        {
          trialBalance(asOf: "2026-02-30") {
            __typename
          }
        }
      `,
      {},
      { token: target.company.secret },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toContain('Date must be a calendar date');
  });

  it('finds nothing for a malformed key id, without asking PostgreSQL', async () => {
    const res = await graphql<{ revokeAccessKey: { userErrors: Array<{ code: string }> } }>(
      target.t.gatewayUrl,
      contractOperation('access.graphql', 'RevokeAccessKey'),
      { input: { accessKeyId: ' ' } },
      { token: target.company.secret },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.revokeAccessKey.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  describe('what the long campaign (bench/fuzz.ts) found, kept as cases', () => {
    const ask = (query: string, variables: Record<string, unknown> = {}) => graphql(target.t.gatewayUrl, query, variables, { token: target.company.secret });

    it('an empty department id lists no positions', async () => {
      const res = await ask('{ positions(departmentId: "") { id } }');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ positions: [] });
    });

    it('half a surrogate pair in a subscription request is refused at the gateway', async () => {
      const res = await graphql(
        target.t.gatewayUrl,
        'mutation($input: RequestSubscriptionInput!) { requestSubscription(input: $input) { userErrors { code } } }',
        { input: { ...exampleVariables<{ input: Record<string, unknown> }>('RequestSubscription').input, companyName: 'Acme \ud800' } },
      );
      expect(res.status).toBe(400);
      expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    });

    it('a bank transaction with a blank or overlong reference or description gets userErrors, not a constraint violation', async () => {
      const record = `mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { reference } userErrors { field code } } }`;
      const { input } = exampleVariables<{ input: Record<string, unknown> }>('RecordTransaction');
      await ask('mutation { createAccount(input: { code: "1010", name: "Bank", type: ASSET }) { userErrors { code } } }');
      const blank = await ask(record, { input: { ...input, idempotencyKey: null, reference: '' } });
      expect(blank.errors).toBeUndefined();
      expect(blank.data).toMatchObject({ recordTransaction: { transaction: { reference: null }, userErrors: [] } });
      const long = await ask(record, { input: { ...input, idempotencyKey: null, reference: 'r'.repeat(201), description: 'd'.repeat(501) } });
      expect(long.errors).toBeUndefined();
      expect(long.data).toEqual({
        recordTransaction: {
          transaction: null,
          userErrors: [
            { field: ['input', 'description'], code: 'TOO_LONG' },
            { field: ['input', 'reference'], code: 'TOO_LONG' },
          ],
        },
      });
    });
  });
});

import fc from 'fast-check';
import pino from 'pino';
import { limitsFromEnv } from '../../../platform/config';
import type { GatewayCompany } from '../company';
import { createCompany } from '../company';
import { exampleVariables, graphql, startTestStack, type GraphQLResponse, type TestStack } from '../stack';
import { apiSchema, manifestOperations, rootFieldOperations, type FuzzOperation } from './operations';
import { buildCase, hostile, inlined, suitedValues, validValue, type FuzzCase, type Json } from './values';

/** A log line at error level or above, as pino writes it. */
export interface LoggedError {
  level: number;
  msg?: string;
  err?: { message?: string; type?: string };
}

/** The product running for a fuzz campaign, a company with every module, and real ids to aim at. */
export interface FuzzTarget {
  t: TestStack;
  company: GatewayCompany;
  operations: FuzzOperation[];
  /** Valid variables per operation: the contract's examples filled with real ids, or well-formed values. */
  bases: Map<string, Record<string, Json>>;
  /** Every line logged at error level while the target ran. */
  errorLines: LoggedError[];
  stop: () => Promise<void>;
}

/** The id each contract mutation creates, by the "$name" the examples use for it. */
const CREATES: Record<string, string> = {
  RequestSubscription: 'requestId',
  CreateDepartment: 'departmentId',
  CreatePosition: 'positionId',
  HireEmployee: 'employeeId',
  RegisterAsset: 'assetId',
  ScheduleMaintenance: 'maintenanceId',
  PostJournalEntry: 'journalEntryId',
  RecordTransaction: 'transactionId',
  StartReconciliation: 'reconciliationId',
  CreatePayRun: 'payRunId',
  IssueAccessKey: 'accessKeyId',
};

/** The id of the first object with one inside a mutation's payload. */
function createdId(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  for (const [key, value] of Object.entries(data)) {
    if (key === 'userErrors') continue;
    if (key === 'id' && typeof value === 'string') return value;
    const inner = createdId(value);
    if (inner) return inner;
  }
  return null;
}

/**
 * Runs the contract's mutations once with their examples, in the manifest's
 * order, collecting the ids they create, so the fuzz cases reach rows that
 * exist and not only "not found".
 */
async function seedIds(t: TestStack, company: GatewayCompany, operations: FuzzOperation[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = { companyId: company.companyId };
  await company.gql('mutation { createAccount(input: { code: "4000", name: "Revenue", type: INCOME }) { userErrors { code } } }');
  for (const operation of operations) {
    const created = CREATES[operation.name];
    if (!created) continue;
    let variables: Record<string, unknown>;
    try {
      variables = exampleVariables(operation.name, ids);
    } catch {
      continue; // an example needing an id no earlier step made
    }
    const token = operation.caller === 'operator' ? t.adminToken : company.secret;
    const res = await graphql(t.gatewayUrl, operation.query, variables, { token });
    const id = createdId(res.data);
    if (id) ids[created] = id;
  }
  return ids;
}

export async function startFuzzTarget(options: { perKeyPerMinute?: number } = {}): Promise<FuzzTarget> {
  const errorLines: LoggedError[] = [];
  const logger = pino(
    { level: 'error' },
    {
      write: (line: string) => {
        errorLines.push(JSON.parse(line) as LoggedError);
      },
    },
  );
  // A long campaign sends far more than a key's minute budget and query-cost budget; the budgets are not what it tests.
  const base = limitsFromEnv();
  const ample = { capacity: 100_000_000, refillPerSecond: base.costBudget.keyed.refillPerSecond };
  const limits = options.perKeyPerMinute ? { ...base, perKeyPerMinute: options.perKeyPerMinute, costBudget: { keyed: ample, anonymous: ample } } : undefined;
  const t = await startTestStack({ logger, limits });
  const company = await createCompany(t, { modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
  const schema = apiSchema();
  const manifest = manifestOperations(schema);
  const operations = [...manifest, ...rootFieldOperations(schema)];
  const ids = await seedIds(t, company, manifest);
  const bases = new Map<string, Record<string, Json>>();
  for (const operation of operations) {
    let example: Record<string, Json> | null;
    try {
      example = exampleVariables<Record<string, Json> | undefined>(operation.name, ids) ?? null;
    } catch {
      example = null;
    }
    bases.set(operation.name, example ?? Object.fromEntries(operation.variables.map((v) => [v.name, validValue(v.type, v.name, ids)])));
  }
  return {
    t,
    company,
    operations,
    bases,
    errorLines,
    stop: async () => {
      await company.tenantDb.destroy();
      await t.stop();
    },
  };
}

// What must never reach a client: a stack trace, a source file, SQL or PostgreSQL's own words.
const LEAKS: Array<[string, RegExp]> = [
  ['stack trace', /\bat [\w.<>]+ \(|"stacktrace"/],
  ['file path', /(?:\/[\w.@-]+){2,}\.(?:ts|js|cjs|mjs)\b|node_modules/],
  ['SQL text', /\bselect\b[^"]{0,200}\bfrom\b|\binsert into\b|\bupdate\b[^"]{0,100}\bset\b|\bdelete from\b/i],
  [
    'database error',
    /invalid input syntax|violates|syntax error at or near|numeric field overflow|out of range for type|invalid byte sequence|\b(?:22P02|22003|22007|22008|23505)\b|\bpg_|relation "/i,
  ],
];

/** What is wrong with one answer, or an empty list. */
export function problemsOf(status: number, text: string, body: Pick<GraphQLResponse<unknown>, 'errors'> | null): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`HTTP ${status}`);
  if (!body) return [...problems, `not JSON: ${text.slice(0, 200)}`];
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || code === '') problems.push(`error without a code: ${error.message}`);
    if (code === 'INTERNAL_SERVER_ERROR') problems.push(`INTERNAL_SERVER_ERROR: ${error.message}`);
  }
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(text);
    if (match) problems.push(`${what} in the answer: …${text.slice(Math.max(0, match.index - 60), match.index + 80)}…`);
  }
  return problems;
}

/** Sends one case through the gateway over HTTP and says what is wrong with the answer. */
export async function send(target: FuzzTarget, fuzzCase: FuzzCase): Promise<string[]> {
  const token = fuzzCase.operation.caller === 'operator' ? target.t.adminToken : target.company.secret;
  const payload = fuzzCase.inline ? { query: inlined(fuzzCase) } : { query: fuzzCase.operation.query, variables: fuzzCase.variables };
  const response = await fetch(target.t.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(payload),
  });
  const text = await response.text();
  let body: Pick<GraphQLResponse<unknown>, 'errors'> | null;
  try {
    body = JSON.parse(text) as Pick<GraphQLResponse<unknown>, 'errors'>;
  } catch {
    body = null;
  }
  return problemsOf(response.status, text, body);
}

/** A fuzz case as fast-check draws it: which operation, which place, what to put there, inline or as variables. */
export function fuzzCases(target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      operation: fc.integer({ min: 0, max: target.operations.length - 1 }),
      place: fc.nat(),
      hostile,
      suited: suitedValues,
      inline: fc.boolean(),
    })
    .map(({ operation: index, ...choice }) => {
      const operation = target.operations[index]!;
      return buildCase(operation, target.bases.get(operation.name) ?? {}, choice);
    });
}

export interface CampaignResult {
  cases: number;
  failures: Array<{ case: string; problems: string[] }>;
  millis: number;
}

/**
 * Runs `runs` cases with a fixed seed. Every bad answer is collected (not just
 * the first), so one run lists every cause; fast-check then shrinks the first.
 */
export async function runCampaign(target: FuzzTarget, options: { runs: number; seed: number; concurrency?: number }): Promise<CampaignResult> {
  const failures: CampaignResult['failures'] = [];
  let cases = 0;
  const started = performance.now();
  const samples = fc.sample(fuzzCases(target), { numRuns: options.runs, seed: options.seed });
  const concurrency = options.concurrency ?? 4;
  let next = 0;
  const worker = async () => {
    while (next < samples.length) {
      const fuzzCase = samples[next++]!;
      const problems = await send(target, fuzzCase);
      cases += 1;
      if (problems.length > 0) failures.push({ case: `${fuzzCase.operation.name}${fuzzCase.inline ? ' (inline)' : ''}: ${fuzzCase.attack}`, problems });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { cases, failures, millis: performance.now() - started };
}

/**
 * A long fuzz campaign through the real gateway over HTTP: every operation of
 * the manifest and every root field, with hostile values put in one input
 * place at a time, as variables or inline (tests/support/fuzz). Every answer
 * must be a coded client error or a success: no 5xx, no INTERNAL_SERVER_ERROR,
 * no stack trace, file path, SQL or PostgreSQL message, and nothing logged at
 * error level. CI runs 400 cases of the same campaign (tests/e2e/fuzz.test.ts).
 *
 *   npx tsx bench/fuzz.ts                                   (PostgreSQL at DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres)
 *   FUZZ_RUNS=20000 FUZZ_SEED=1 NODE_ENV=production npx tsx bench/fuzz.ts
 *
 * FUZZ_RUNS (5000), FUZZ_SEED (the date), FUZZ_CONCURRENCY (4). NODE_ENV
 * (test by default) is the mode the stack runs in. Exits 1 on any failure,
 * after printing each distinct problem once with a case that shows it.
 */
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { runCampaign, startFuzzTarget } from '../tests/support/fuzz/campaign';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 4);

async function main(): Promise<void> {
  const mode = process.env.NODE_ENV ?? 'test';
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await globalSetup();
  process.env.NODE_ENV = mode;
  let failed: boolean;
  try {
    const target = await startFuzzTarget({ perKeyPerMinute: 100_000_000 });
    try {
      process.stdout.write(`fuzz: ${RUNS} cases, seed ${SEED}, ${CONCURRENCY} at a time, NODE_ENV=${mode}, ${target.operations.length} operations\n`);
      const result = await runCampaign(target, { runs: RUNS, seed: SEED, concurrency: CONCURRENCY });
      const byProblem = new Map<string, { count: number; example: string }>();
      for (const failure of result.failures) {
        for (const problem of failure.problems) {
          const key = problem.slice(0, 160);
          const seen = byProblem.get(key) ?? { count: 0, example: failure.case };
          byProblem.set(key, { ...seen, count: seen.count + 1 });
        }
      }
      const seconds = result.millis / 1000;
      process.stdout.write(
        `${result.cases} cases in ${seconds.toFixed(1)} s (${(result.cases / seconds).toFixed(0)}/s): ` +
          `${result.failures.length} failed, ${target.errorLines.length} error-level log lines\n`,
      );
      for (const [problem, { count, example }] of byProblem) process.stdout.write(`  ${count}× ${problem}\n     e.g. ${example.slice(0, 300)}\n`);
      for (const line of target.errorLines.slice(0, 10)) process.stdout.write(`  logged: ${JSON.stringify(line).slice(0, 300)}\n`);
      failed = result.failures.length > 0 || target.errorLines.length > 0;
    } finally {
      await target.stop();
    }
  } finally {
    await globalTeardown();
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

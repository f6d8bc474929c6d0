/**
 * What the gateway pays per request to know who is calling: an access key
 * against a person's access token. Both go through the gateway's own
 * identifyCaller with warm caches (the steady state: the key's row, or the
 * session's membership and roles, cached and kept fresh by notifications), so
 * the difference is what a person's token adds. A token's EdDSA signature is
 * checked once and remembered until it expires; the first request with a new
 * token pays that check, measured on its own below.
 *
 *   npx tsx bench/credentials.ts           (PostgreSQL at DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432)
 *   BENCH_CALLS=50000 npx tsx bench/credentials.ts
 */
import './production';
import { performance } from 'node:perf_hooks';
import { generateAdminToken, hashKey } from '../platform/access-key-format';
import type { ControlPlaneDB } from '../platform/control-plane';
import { createDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { generateContextKeyPair } from '../platform/tenant-context';
import { startStack } from '../app/stack';
import { identifyCaller } from '../gateway/caller';
import { KeyVerifier } from '../gateway/key-verifier';
import { SessionVerifier } from '../gateway/session-verifier';
import { verifyAccessToken } from '../platform/session-token';
import { post, subscribeCompany } from './gateway';
import { createBenchDatabase } from './scratch-database';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);

async function perCall(label: string, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2_000; i += 1) await call(); // warm-up
  const started = performance.now();
  for (let i = 0; i < CALLS; i += 1) await call();
  const micros = ((performance.now() - started) * 1000) / CALLS;
  console.log(`${label.padEnd(44)} ${micros.toFixed(1)} µs per request`);
  return micros;
}

/** Milliseconds of one signIn through the gateway. */
async function timedSignIn(url: string, email: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: SignInInput!) { signIn(input: $input) { userErrors { code } } }',
      variables: { input: { email, password: 'not the right password at all' } },
    }),
  });
  const res = (await response.json()) as { data?: { signIn: { userErrors: Array<{ code: string }> } } };
  if (res.data?.signIn.userErrors[0]?.code !== 'INVALID_CREDENTIALS') throw new Error(`unexpected: ${JSON.stringify(res)}`);
  return performance.now() - started;
}

/**
 * A wrong password for an existing account against an unknown e-mail, alternated,
 * 12 of each (the address's budget of failures is 30 per 15 minutes): the two must
 * not be told apart by time. The account locks after 5; a locked account is
 * verified all the same.
 */
async function signInTiming(url: string): Promise<void> {
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 12; i += 1) {
    known.push(await timedSignIn(url, 'clerk@bench.example'));
    unknown.push(await timedSignIn(url, `nobody-${i}@bench.example`));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`signIn, wrong password: median ${median(known).toFixed(1)} ms; unknown e-mail: median ${median(unknown).toFixed(1)} ms (12 each)`);
}

async function main(): Promise<void> {
  const scratch = await createBenchDatabase('credentials');
  const controlPlane = createDatabase<ControlPlaneDB>(scratch.config.databaseUrl, { max: 4 });
  let stop: (() => Promise<void>) | undefined;
  try {
    await migrateGlobal(controlPlane);
    const adminToken = generateAdminToken();
    const sessionKeys = generateContextKeyPair();
    const stack = await startStack({
      config: scratch.config,
      logger: createLogger('bench', 'silent'),
      keys: generateContextKeyPair(),
      sessionKeys,
      adminToken,
      gatewayPort: 0,
      subgraphPort: () => 0,
      sandbox: false,
    });
    stop = stack.stop;
    const url = stack.gateway.url;
    const company = await subscribeCompany(url, adminToken, 'Bench Credentials', ['EMPLOYEES', 'PAYROLL']);
    const invited = await post<{ inviteMember: { token: string } }>(
      url,
      'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }',
      { input: { companyId: company.companyId, email: 'clerk@bench.example', roles: [{ role: 'HR_MANAGER' }, { role: 'PAYROLL_MANAGER' }] } },
      company.key,
    );
    const accepted = await post<{ acceptInvitation: { accessToken: string } }>(
      url,
      'mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }',
      { input: { token: invited.inviteMember.token, password: 'a bench password of some length' } },
      company.key,
    );

    const keys = new KeyVerifier(controlPlane, scratch.config.databaseUrl, createLogger('bench', 'silent'), {
      cacheTtlMillis: 60_000,
      lastUsedFlushMillis: 60_000,
      maxEntries: 1_000,
    });
    await keys.start();
    const sessions = new SessionVerifier(controlPlane, sessionKeys.publicKey, keys, { cacheTtlMillis: 60_000, maxEntries: 1_000 });
    const adminHash = hashKey(adminToken);
    const byKey = { authorization: `Bearer ${company.key}` };
    const byToken = { authorization: `Bearer ${accepted.acceptInvitation.accessToken}` };
    console.log(`${CALLS} calls each, warm caches, one process (Node ${process.version})`);
    const key = await perCall('access key (cached row, SHA-256 compare)', () => identifyCaller(byKey, keys, adminHash, sessions));
    const token = await perCall('access token (checked token, cached session)', () => identifyCaller(byToken, keys, adminHash, sessions));
    console.log(`a person's token adds ${(token - key).toFixed(1)} µs per request over a key`);
    await perCall("a new token's first request: the EdDSA check", () => verifyAccessToken(accepted.acceptInvitation.accessToken, sessionKeys.publicKey));
    await keys.stop();
    await signInTiming(url);
  } finally {
    await stop?.();
    await controlPlane.destroy();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, type JsonWebKey } from 'node:crypto';
import path from 'node:path';
import { freePort } from '../../platform/listen';

/** A private signing key as a provider publishes its public half. */
export type SigningJwk = JsonWebKey & { kid: string; alg: string; use: 'sig' };

export function signingKey(kid = `key-${randomUUID().slice(0, 8)}`): SigningJwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
}

export interface ProviderConfig {
  /** The `iss` it signs; its own URL unless it impersonates another provider. */
  issuer?: string;
  keys: SigningJwk[];
  clients: string[];
  accounts: Record<string, { email: string; email_verified?: boolean }>;
  /** A client a browser signs in with (implicit flow, ID token only), through the provider's development login form. */
  browserClient?: { clientId: string; redirectUris: string[] };
  /** Restart on a known port (a rotation keeps the URL). */
  port?: number;
}

export interface TestProvider {
  issuer: string;
  port: number;
  config: ProviderConfig;
  /**
   * An ID token the provider issues for `accountId` and `clientId`; `expiresIn` seconds (negative: already expired),
   * with a `nonce` claim when given.
   */
  idToken: (accountId: string, clientId: string, expiresIn?: number, nonce?: string) => Promise<string>;
  stop: () => Promise<void>;
}

const SCRIPT = path.join(__dirname, 'oidc-provider-process.mjs');

/** A real oidc-provider in its own process on a free loopback port (tests/support/oidc-provider-process.mjs). */
export async function startProvider(options: ProviderConfig): Promise<TestProvider> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const issuer = options.issuer ?? url;
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, OIDC_TEST_CONFIG: JSON.stringify({ ...options, port, issuer }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await ready(child);
  return {
    issuer,
    port,
    config: { ...options, port },
    idToken: async (accountId, clientId, expiresIn, nonce) => {
      const response = await fetch(`${url}/test/id-token`, { method: 'POST', body: JSON.stringify({ accountId, clientId, expiresIn, nonce }) });
      if (!response.ok) throw new Error(`the provider issued no ID token: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { idToken: string }).idToken;
    },
    stop: () => stopProcess(child),
  };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`the provider did not start: ${errors}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('listening')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the provider exited with ${code}: ${errors}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

import './production';
import { performance } from 'node:perf_hooks';
import { fullGrants } from '../platform/permissions';
import {
  generateContextKeyPair,
  signTenantContext,
  TenantContextSigner,
  TenantContextVerifier,
  verifyTenantContext,
  type SignedCaller,
} from '../platform/tenant-context';

/**
 * What the tenant context costs per request, in one process: signing and
 * verifying one per request (the scheme before) against a context reused per
 * caller and remembered by the subgraph (the scheme now).
 *
 *   npx tsx bench/context-costs.ts            (BENCH_CALLS, default 5,000)
 */
const CALLS = Number(process.env.BENCH_CALLS ?? 5_000);
const keys = generateContextKeyPair();
const caller: SignedCaller = {
  kind: 'STANDARD',
  keyId: '7d7a3c55-0a43-4d8f-9f59-6c4c1e0c2f11',
  user: null,
  sessionId: null,
  clientAddress: '127.0.0.1',
  tenant: {
    id: 't-1',
    slug: 'acme',
    companyId: 'c-1',
    database: 'fluxo_t_acme',
    shard: 'default',
    companyModules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'],
  },
  modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'],
  grants: fullGrants(['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL']),
};

async function perCall(label: string, call: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 500; i += 1) await call(i);
  const started = performance.now();
  for (let i = 0; i < CALLS; i += 1) await call(i);
  console.log(`| ${label} | ${(((performance.now() - started) * 1000) / CALLS).toFixed(1)} |`);
}

async function main(): Promise<void> {
  console.log(`${CALLS} calls each (Node ${process.version})`);
  console.log('| step | µs per call |');
  console.log('|---|---:|');
  const token = await signTenantContext(caller, keys.privateKey);
  await perCall('gateway: sign a context (each request, before)', () => signTenantContext(caller, keys.privateKey));
  const signer = new TenantContextSigner(keys.privateKey);
  await perCall("gateway: the caller's reused context (now)", () => signer.sign({ ...caller }));
  await perCall('subgraph: verify a context (each fetch, before)', () => verifyTenantContext(token, keys.publicKey));
  const verifier = new TenantContextVerifier(keys.publicKey);
  await perCall('subgraph: a remembered context (now)', () => verifier.verify(token));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

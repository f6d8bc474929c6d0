import { fullGrants, NO_GRANTS } from '../../platform/permissions';
import { base64url, SignJWT } from 'jose';
import {
  CONTEXT_TTL_SECONDS,
  exportKeyPairPem,
  generateContextKeyPair,
  InvalidContextError,
  privateKeyFromPem,
  publicKeyFromPem,
  signTenantContext,
  TenantContextSigner,
  TenantContextVerifier,
  verifyTenantContext,
  type SignedCaller,
  type TenantContext,
} from '../../platform/tenant-context';

const keys = generateContextKeyPair();

const companyContext: TenantContext = {
  requestId: 'req-1',
  kind: 'STANDARD',
  keyId: '7d7a3c55-0a43-4d8f-9f59-6c4c1e0c2f11',
  tenant: {
    id: 'tenant-1',
    slug: 'acme',
    companyId: 'company-1',
    database: 'fluxo_tenant_acme_1',
    shard: 'default',
    companyModules: ['ASSETS', 'EMPLOYEES', 'FINANCE'],
  },
  modules: ['ASSETS', 'FINANCE'],
  user: null,
  sessionId: null,
  clientAddress: null,
  grants: fullGrants(['ASSETS', 'FINANCE']),
};

/** What a context says: the caller without the request id, which travels in its own header. */
const { requestId: _requestId, ...companyCaller } = companyContext;

/** Signs arbitrary claims the way the gateway does (issuer, audience, EdDSA), for shape checks. */
function signClaims(claims: Record<string, unknown>, options: { issuer?: string; audience?: string; iat?: number; exp?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuer(options.issuer ?? 'fluxo-gateway')
    .setAudience(options.audience ?? 'fluxo-subgraphs')
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? now + 30)
    .sign(keys.privateKey);
}

const validClaims = {
  knd: 'STANDARD',
  key: companyContext.keyId,
  usr: null,
  ten: companyContext.tenant,
  mod: ['ASSETS'],
  prm: ['assets:read'],
  scp: {},
};
const userClaims = {
  ...validClaims,
  knd: 'USER',
  key: null,
  usr: { id: 'user-1', email: 'ana@acme.example' },
  prm: ['employees:directory.read', 'payroll:payslips.read'],
  scp: { 'payroll:payslips.read': { employeeId: 'employee-1', departmentIds: [] } },
};

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(segment))) as Record<string, unknown>;
}

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

async function expectRefused(token: string, publicKey = keys.publicKey): Promise<void> {
  await expect(verifyTenantContext(token, publicKey)).rejects.toBeInstanceOf(InvalidContextError);
}

describe('tenant context signing and verification', () => {
  it('round-trips every claim of a company context', async () => {
    const token = await signTenantContext(companyContext, keys.privateKey);
    expect(await verifyTenantContext(token, keys.publicKey)).toEqual(companyCaller);
  });

  it('round-trips anonymous and operator contexts without a tenant', async () => {
    for (const kind of ['ANONYMOUS', 'ADMIN'] as const) {
      const context: SignedCaller = {
        kind,
        keyId: null,
        user: null,
        sessionId: null,
        clientAddress: null,
        tenant: null,
        modules: [],
        grants: NO_GRANTS,
      };
      expect(await verifyTenantContext(await signTenantContext(context, keys.privateKey), keys.publicKey)).toEqual(context);
    }
  });

  it('signs with EdDSA, the gateway issuer and a short expiry', async () => {
    const [header, payload] = (await signTenantContext(companyContext, keys.privateKey)).split('.');
    expect(decodeSegment(header!)).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    const claims = decodeSegment(payload!);
    expect(claims).toMatchObject({ iss: 'fluxo-gateway', aud: 'fluxo-subgraphs' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(CONTEXT_TTL_SECONDS);
    expect(CONTEXT_TTL_SECONDS).toBeLessThanOrEqual(60);
  });

  it('survives a PEM export and import of the key pair', async () => {
    const pem = exportKeyPairPem(keys);
    // Environment variables often carry PEMs with escaped newlines.
    const privateKey = privateKeyFromPem(pem.privateKeyPem.replace(/\n/g, '\\n'));
    const publicKey = publicKeyFromPem(pem.publicKeyPem);
    expect(await verifyTenantContext(await signTenantContext(companyContext, privateKey), publicKey)).toEqual(companyCaller);
  });

  it('refuses a context signed by another key', async () => {
    await expectRefused(await signTenantContext(companyContext, generateContextKeyPair().privateKey));
  });

  it('refuses an expired context', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await signClaims(validClaims, { iat: now - 120, exp: now - 60 }));
    // The same claims with a future expiry pass, so the expiry alone made the difference.
    expect((await verifyTenantContext(await signClaims(validClaims), keys.publicKey)).tenant).toEqual(companyContext.tenant);
  });

  it('refuses a context without expiry', async () => {
    const token = await new SignJWT(validClaims)
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('fluxo-gateway')
      .setAudience('fluxo-subgraphs')
      .setIssuedAt()
      .sign(keys.privateKey);
    await expectRefused(token);
  });

  it('refuses a payload changed after signing', async () => {
    const [header, payload, signature] = (await signTenantContext(companyContext, keys.privateKey)).split('.');
    const claims = decodeSegment(payload!);
    const tampered = { ...claims, ten: { ...(claims.ten as object), slug: 'victim', companyId: 'company-2' } };
    await expectRefused(`${header}.${encodeSegment(tampered)}.${signature}`);
    await expectRefused(`${header}.${encodeSegment({ ...claims, mod: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] })}.${signature}`);
  });

  it('refuses alg none and an HMAC token keyed with the public key', async () => {
    const [, payload] = (await signTenantContext(companyContext, keys.privateKey)).split('.');
    await expectRefused(`${encodeSegment({ alg: 'none', typ: 'JWT' })}.${payload}.`);
    const publicPem = new TextEncoder().encode(exportKeyPairPem(keys).publicKeyPem);
    const hmac = await new SignJWT(validClaims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('fluxo-gateway')
      .setAudience('fluxo-subgraphs')
      .setIssuedAt()
      .setExpirationTime('30s')
      .sign(publicPem);
    await expectRefused(hmac);
  });

  it('refuses another issuer or audience', async () => {
    await expectRefused(await signClaims(validClaims, { issuer: 'someone-else' }));
    await expectRefused(await signClaims(validClaims, { audience: 'another-service' }));
  });

  it('refuses garbage', async () => {
    for (const token of ['', 'x', 'a.b.c', 'eyJhbGciOiJFZERTQSJ9..', '...']) await expectRefused(token);
  });

  it('accepts the well-shaped claims the refusals below each break once', async () => {
    expect(await verifyTenantContext(await signClaims(validClaims), keys.publicKey)).toMatchObject({
      kind: 'STANDARD',
      grants: { permissions: ['assets:read'] },
    });
    expect(await verifyTenantContext(await signClaims(userClaims), keys.publicKey)).toMatchObject({
      kind: 'USER',
      user: { id: 'user-1', email: 'ana@acme.example' },
      grants: { scoped: { 'payroll:payslips.read': { employeeId: 'employee-1', departmentIds: [] } } },
    });
  });

  it('refuses badly shaped claims even when genuinely signed', async () => {
    const shapes: Array<Record<string, unknown>> = [
      // Permissions and row scopes: only the catalogue's, scopes only for held permissions.
      { ...validClaims, prm: undefined },
      { ...validClaims, prm: ['assets:read', 'assets:everything'] },
      { ...validClaims, prm: 'assets:read' },
      { ...validClaims, scp: undefined },
      { ...validClaims, scp: [] },
      { ...userClaims, scp: { 'finance:ledger.read': { employeeId: null, departmentIds: [] } } },
      { ...userClaims, scp: { 'payroll:payslips.read': { employeeId: 7, departmentIds: [] } } },
      { ...userClaims, scp: { 'payroll:payslips.read': { employeeId: null, departmentIds: 'd-1' } } },
      // A user context names its user and its tenant.
      { ...userClaims, usr: null },
      { ...userClaims, usr: { id: 'user-1' } },
      { ...userClaims, ten: null },
      { ...validClaims, knd: 'ROOT' },
      { ...validClaims, mod: ['ASSETS', 'HR'] },
      { ...validClaims, mod: 'ASSETS' },
      // A company key without its tenant or key id.
      { ...validClaims, ten: null },
      { ...validClaims, key: null },
      { ...validClaims, knd: 'PARTNER', ten: null },
      { ...validClaims, ten: { ...companyContext.tenant, database: '' } },
      { ...validClaims, ten: { ...companyContext.tenant, shard: 42 } },
      { ...validClaims, ten: 'acme' },
      { ...validClaims, ten: { ...companyContext.tenant, companyModules: ['ASSETS', 'HR'] } },
      { ...validClaims, ten: { ...companyContext.tenant, companyModules: undefined } },
    ];
    for (const claims of shapes) await expectRefused(await signClaims(claims));
  });
});

describe('signed contexts reused per caller', () => {
  const reuse = { ttlSeconds: 30, reuseSeconds: 20, maxEntries: 3 };

  it('signs a caller once while its context is fresh, and does not sign the request id', async () => {
    const signer = new TenantContextSigner(keys.privateKey, reuse);
    const now = Date.now();
    const first = await signer.sign(companyCaller, now);
    expect(await signer.sign({ ...companyCaller }, now + 19_000)).toBe(first);
    expect(signer.signatures).toBe(1);
    expect(decodeSegment(first.split('.')[1]!).rid).toBeUndefined();
    // Past its reuse time: a new context, which the subgraphs verify like the first.
    const renewed = await signer.sign(companyCaller, now + 20_001);
    expect(signer.signatures).toBe(2);
    expect(renewed).not.toBe(first);
    expect(await verifyTenantContext(renewed, keys.publicKey)).toEqual(companyCaller);
  });

  it('never hands one caller the context of another, nor the old context after its grants change', async () => {
    const signer = new TenantContextSigner(keys.privateKey, reuse);
    const acme = await signer.sign(companyCaller);
    expect(await signer.sign(companyCaller)).toBe(acme);
    const other = { ...companyCaller, tenant: { ...companyCaller.tenant!, id: 'tenant-2', slug: 'globex', companyId: 'company-2' } };
    const narrowed = { ...companyCaller, modules: ['ASSETS' as const], grants: fullGrants(['ASSETS']) };
    const fromElsewhere = { ...companyCaller, clientAddress: '10.0.0.9' };
    for (const caller of [other, narrowed, fromElsewhere]) {
      const token = await signer.sign(caller);
      expect(token).not.toBe(acme);
      expect(await verifyTenantContext(token, keys.publicKey)).toEqual(caller);
    }
  });

  it('keeps at most maxEntries contexts', async () => {
    const signer = new TenantContextSigner(keys.privateKey, reuse);
    await signer.sign(companyCaller);
    await signer.sign({ ...companyCaller, keyId: 'k-2' });
    await signer.sign(companyCaller);
    expect(signer.signatures).toBe(2);
    for (const keyId of ['k-3', 'k-4']) await signer.sign({ ...companyCaller, keyId });
    // The oldest was forgotten to make room: its caller is signed again.
    await signer.sign(companyCaller);
    expect(signer.signatures).toBe(5);
  });

  it('refuses a reuse time that is not shorter than the validity', () => {
    expect(() => new TenantContextSigner(keys.privateKey, { ttlSeconds: 30, reuseSeconds: 30, maxEntries: 10 })).toThrow();
  });
});

describe('verified contexts remembered by a subgraph', () => {
  it('remembers a genuine context until its expiry, and no longer', async () => {
    const verifier = new TenantContextVerifier(keys.publicKey);
    const now = Math.floor(Date.now() / 1000);
    const token = await signClaims(validClaims, { iat: now, exp: now + 5 });
    expect((await verifier.verify(token)).tenant).toEqual(companyContext.tenant);
    // Remembered: the same token is served again without checking its signature …
    expect((await verifier.verify(token, now * 1000 + 4_999)).kind).toBe('STANDARD');
    expect(verifier.verifications).toBe(1);
    // … until it expires: then it is checked again (and jose, at the real time, still finds it valid).
    await verifier.verify(token, (now + 5) * 1000);
    expect(verifier.verifications).toBe(2);
    const expired = await signClaims(validClaims, { iat: now - 60, exp: now - 1 });
    await expect(verifier.verify(expired)).rejects.toBeInstanceOf(InvalidContextError);
  });

  it('does not remember refusals: a forged token stays refused, and a good one stays served', async () => {
    const verifier = new TenantContextVerifier(keys.publicKey);
    const forged = await signTenantContext(companyContext, generateContextKeyPair().privateKey);
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidContextError);
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidContextError);
    const genuine = await signTenantContext(companyContext, keys.privateKey);
    expect(await verifier.verify(genuine)).toEqual(companyCaller);
  });

  it('hands every request the same frozen caller, so none can change what the others see', async () => {
    const verifier = new TenantContextVerifier(keys.publicKey);
    const token = await signTenantContext(companyContext, keys.privateKey);
    const first = await verifier.verify(token);
    expect(Object.isFrozen(first.grants.permissions)).toBe(true);
    expect(() => (first.modules as string[]).push('PAYROLL')).toThrow(TypeError);
    expect(await verifier.verify(token)).toEqual(companyCaller);
  });
});

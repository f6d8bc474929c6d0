import type { AccessKeyKind } from '../../platform/control-plane';
import { MODULES, type ModuleName } from '../../platform/modules';
import { IssueAccessKeyDocument } from '../generated/operations';
import type { Mutation, Query } from '../support/api';
import { createCompany } from '../support/company';
import { graphql, keysEvicted, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// Attacks by a company's own keys on the company's other keys: a key must
// never hand on more than it holds, nor reach keys outside its own lineage.

const ISSUE = `mutation ($input: IssueAccessKeyInput!) {
  issueAccessKey(input: $input) { accessKey { id kind modules issuedBy { id } } secret userErrors { field code message } }
}`;
const REVOKE = `mutation ($input: RevokeAccessKeyInput!) {
  revokeAccessKey(input: $input) { accessKey { id revokedAt } revokedDescendants { id } userErrors { field code message } }
}`;
const KEYS_OF = `query ($id: ID!) { company(id: $id) { accessKeys { id name issuedBy { id } } } }`;

interface Key {
  id: string;
  secret: string;
}

let t: TestStack;
let companyId: string;
/** The company's first key, issued on approval: ASSETS, EMPLOYEES, FINANCE, PAYROLL. */
let main: Key;
/** Issued by `main`: EMPLOYEES only. */
let employeesOnly: Key;
/** Issued by `main` too: a sibling of `employeesOnly`. */
let sibling: Key;

async function issue(token: string, name: string, kind: AccessKeyKind, modules: ModuleName[]): Promise<GraphQLResponse<Pick<Mutation, 'issueAccessKey'>>> {
  return graphql<Pick<Mutation, 'issueAccessKey'>>(t.gatewayUrl, ISSUE, { input: { companyId, name, kind, modules } }, { token });
}

async function issued(token: string, name: string, kind: AccessKeyKind, modules: ModuleName[]): Promise<Key> {
  const res = await issue(token, name, kind, modules);
  expect(res.errors).toBeUndefined();
  expect(res.data!.issueAccessKey.userErrors).toEqual([]);
  return { id: res.data!.issueAccessKey.accessKey!.id, secret: res.data!.issueAccessKey.secret! };
}

/** Every control-plane row an attack could touch, for a before/after comparison. */
async function controlPlaneRows(): Promise<unknown> {
  const db = t.database.db;
  return {
    keys: await db.selectFrom('access_key').selectAll().orderBy('id').execute(),
    audit: await db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    companies: await db.selectFrom('company').selectAll().orderBy('id').execute(),
  };
}

beforeAll(async () => {
  t = await startTestStack();
  const lineage = await createCompany(t, { name: 'Lineage Ltd', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
  companyId = lineage.companyId;
  main = { id: lineage.keyId, secret: lineage.secret };
  employeesOnly = await issued(main.secret, 'HR desk', 'STANDARD', ['EMPLOYEES']);
  sibling = await issued(main.secret, 'Accounts desk', 'STANDARD', ['FINANCE']);
});
afterAll(async () => {
  await t?.stop();
});

describe('an EMPLOYEES-only key attacking its company', () => {
  it('cannot mint a key wider than itself: MODULE_NOT_GRANTED, and nothing changes', async () => {
    const before = await controlPlaneRows();
    const res = await issue(employeesOnly.secret, 'All of it', 'STANDARD', ['EMPLOYEES', 'FINANCE', 'PAYROLL', 'ASSETS']);
    expect(res.errors).toBeUndefined();
    expect(res.data!.issueAccessKey).toEqual({
      accessKey: null,
      secret: null,
      userErrors: [{ field: ['input', 'modules'], code: 'MODULE_NOT_GRANTED', message: expect.stringContaining('ASSETS, FINANCE, PAYROLL') }],
    });
    expect(await controlPlaneRows()).toEqual(before);
    // And the key itself still reaches nothing beyond EMPLOYEES.
    const payslips = await graphql(t.gatewayUrl, '{ payRuns(first: 1) { totalCount } }', undefined, { token: employeesOnly.secret });
    expect(payslips.errors?.[0]?.extensions?.code).toBe('MODULE_NOT_SUBSCRIBED');
  });

  it('cannot revoke its parent (the main key) or a sibling: KEY_NOT_MANAGEABLE, and nothing changes', async () => {
    for (const target of [main, sibling]) {
      const before = await controlPlaneRows();
      const res = await graphql<Pick<Mutation, 'revokeAccessKey'>>(
        t.gatewayUrl,
        REVOKE,
        { input: { accessKeyId: target.id, includeDescendants: true } },
        { token: employeesOnly.secret },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.revokeAccessKey).toEqual({
        accessKey: null,
        revokedDescendants: [],
        userErrors: [{ field: ['input', 'accessKeyId'], code: 'KEY_NOT_MANAGEABLE', message: expect.any(String) }],
      });
      expect(await controlPlaneRows()).toEqual(before);
      expect((await graphql<Pick<Query, 'me'>>(t.gatewayUrl, '{ me { accessKey { id } } }', undefined, { token: target.secret })).data!.me.accessKey!.id).toBe(
        target.id,
      );
    }
  });

  it('lists only itself and the keys issued from it', async () => {
    const child = await issued(employeesOnly.secret, 'HR intern', 'PARTNER', ['EMPLOYEES']);
    const res = await graphql<Pick<Query, 'company'>>(t.gatewayUrl, KEYS_OF, { id: companyId }, { token: employeesOnly.secret });
    expect(res.errors).toBeUndefined();
    const ids = res.data!.company!.accessKeys.map((k) => k.id).sort();
    expect(ids).toEqual([employeesOnly.id, child.id].sort());
    // Its own issuer (the main key) is beyond its reach, so it is not shown either.
    const own = res.data!.company!.accessKeys.find((k) => k.id === employeesOnly.id);
    expect(own!.issuedBy).toBeNull();
    expect(res.data!.company!.accessKeys.find((k) => k.id === child.id)!.issuedBy).toEqual({ id: employeesOnly.id });
    // The same list through `me`.
    const viaMe = await graphql<Pick<Query, 'me'>>(t.gatewayUrl, '{ me { company { accessKeys { id } } } }', undefined, { token: employeesOnly.secret });
    expect(viaMe.data!.me.company.accessKeys.map((k) => k.id).sort()).toEqual(ids);
    // The operator and the main key see every key of the company.
    const all = (await t.database.db.selectFrom('access_key').select('id').where('company_id', '=', companyId).execute()).map((k) => k.id).sort();
    for (const token of [t.adminToken, main.secret]) {
      const full = await graphql<Pick<Query, 'company'>>(t.gatewayUrl, KEYS_OF, { id: companyId }, { token });
      expect(full.data!.company!.accessKeys.map((k) => k.id).sort()).toEqual(all);
    }
  });
});

describe('revoking within a lineage', () => {
  it('revokes its own child and grandchild, and records who did it', async () => {
    const child = await issued(employeesOnly.secret, 'Child', 'STANDARD', ['EMPLOYEES']);
    const grandchild = await issued(child.secret, 'Grandchild', 'PARTNER', ['EMPLOYEES']);
    const stored = await t.database.db.selectFrom('access_key').select(['id', 'issued_by_key_id']).where('id', 'in', [child.id, grandchild.id]).execute();
    expect(Object.fromEntries(stored.map((k) => [k.id, k.issued_by_key_id]))).toEqual({ [child.id]: employeesOnly.id, [grandchild.id]: child.id });

    const res = await graphql<Pick<Mutation, 'revokeAccessKey'>>(
      t.gatewayUrl,
      REVOKE,
      { input: { accessKeyId: grandchild.id } },
      { token: employeesOnly.secret },
    );
    expect(res.data!.revokeAccessKey.userErrors).toEqual([]);
    expect(res.data!.revokeAccessKey.accessKey!.revokedAt).toEqual(expect.any(String));
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('entity_id', '=', grandchild.id).orderBy('id').execute();
    expect(audit.map((a) => [a.operation, a.actor_kind, a.actor_id])).toEqual([
      ['issueAccessKey', 'STANDARD', child.id],
      ['revokeAccessKey', 'STANDARD', employeesOnly.id],
    ]);
    expect(audit[0]!.after).toMatchObject({ id: grandchild.id, issuedByKeyId: child.id });
    // A revoked child cannot be revoked twice, and the intermediate key does not cut the lineage.
    const again = await graphql<Pick<Mutation, 'revokeAccessKey'>>(
      t.gatewayUrl,
      REVOKE,
      { input: { accessKeyId: grandchild.id } },
      { token: employeesOnly.secret },
    );
    expect(again.data!.revokeAccessKey.userErrors[0]!.code).toBe('ALREADY_REVOKED');
  });

  it('a child cannot revoke the key that issued it', async () => {
    const child = await issued(employeesOnly.secret, 'Rebel', 'STANDARD', ['EMPLOYEES']);
    const before = await controlPlaneRows();
    const res = await graphql<Pick<Mutation, 'revokeAccessKey'>>(t.gatewayUrl, REVOKE, { input: { accessKeyId: employeesOnly.id } }, { token: child.secret });
    expect(res.data!.revokeAccessKey.userErrors[0]!.code).toBe('KEY_NOT_MANAGEABLE');
    expect(await controlPlaneRows()).toEqual(before);
  });

  it('includeDescendants revokes a leaked key with everything issued from it, nothing else', async () => {
    const leaked = await issued(main.secret, 'Leaked', 'STANDARD', ['EMPLOYEES', 'ASSETS']);
    const a = await issued(leaked.secret, 'Minted by leaked A', 'STANDARD', ['ASSETS']);
    const b = await issued(a.secret, 'Minted by leaked B', 'PARTNER', ['ASSETS']);
    const evicted = keysEvicted(t.stack.gateway.keys, [leaked.id, a.id, b.id]);
    const res = await graphql<Pick<Mutation, 'revokeAccessKey'>>(
      t.gatewayUrl,
      REVOKE,
      { input: { accessKeyId: leaked.id, includeDescendants: true } },
      { token: main.secret },
    );
    expect(res.data!.revokeAccessKey.userErrors).toEqual([]);
    await evicted;
    expect(res.data!.revokeAccessKey.revokedDescendants.map((k) => k.id).sort()).toEqual([a.id, b.id].sort());
    for (const key of [leaked, a, b]) {
      expect((await graphql<Pick<Query, 'me'>>(t.gatewayUrl, '{ me { accessKey { id } } }', undefined, { token: key.secret })).status).toBe(401);
    }
    for (const key of [main, employeesOnly, sibling]) {
      expect((await graphql<Pick<Query, 'me'>>(t.gatewayUrl, '{ me { accessKey { id } } }', undefined, { token: key.secret })).data!.me.accessKey!.id).toBe(
        key.id,
      );
    }
    const audited = await t.database.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('operation', '=', 'revokeAccessKey')
      .where('entity_id', 'in', [leaked.id, a.id, b.id])
      .execute();
    expect(audited.map((r) => r.entity_id).sort()).toEqual([leaked.id, a.id, b.id].sort());
  });

  it('a key may revoke itself', async () => {
    const own = await issued(main.secret, 'Short-lived', 'STANDARD', ['ASSETS']);
    const evicted = keysEvicted(t.stack.gateway.keys, [own.id]);
    const res = await graphql<Pick<Mutation, 'revokeAccessKey'>>(t.gatewayUrl, REVOKE, { input: { accessKeyId: own.id } }, { token: own.secret });
    expect(res.data!.revokeAccessKey.userErrors).toEqual([]);
    await evicted;
    expect((await graphql<Pick<Query, 'me'>>(t.gatewayUrl, '{ me { accessKey { id } } }', undefined, { token: own.secret })).status).toBe(401);
  });
});

describe('the issuing matrix: issuing key × requested modules × kind', () => {
  /** Every non-empty subset of the four modules, PAYROLL included though the company lacks it. */
  const subsets: ModuleName[][] = [];
  for (let mask = 1; mask < 1 << MODULES.length; mask += 1) subsets.push(MODULES.filter((_, i) => mask & (1 << i)));
  const companyModules: ModuleName[] = ['ASSETS', 'EMPLOYEES', 'FINANCE'];

  it('issues exactly what stays within both the company and the issuer, and refuses the rest with the right codes', async () => {
    const matrix = await createCompany(t, { name: 'Matrix Co', modules: companyModules });
    const matrixCompany = matrix.companyId;
    const root = matrix.secret;
    type Issuer = { label: string; token: string; id: string | null; kind: AccessKeyKind | 'OPERATOR'; modules: ModuleName[] };
    const mint = async (kind: AccessKeyKind, modules: ModuleName[]): Promise<Issuer> => {
      const label = `${kind} ${modules.join('+')}`;
      const res = await graphql<Pick<Mutation, 'issueAccessKey'>>(
        t.gatewayUrl,
        ISSUE,
        { input: { companyId: matrixCompany, name: `issuer ${label}`, kind, modules } },
        { token: root },
      );
      return { label, token: res.data!.issueAccessKey.secret!, id: res.data!.issueAccessKey.accessKey!.id, kind, modules };
    };
    const issuers: Issuer[] = [
      { label: 'operator', token: t.adminToken, id: null, kind: 'OPERATOR', modules: companyModules },
      await mint('STANDARD', companyModules),
      await mint('STANDARD', ['EMPLOYEES']),
      await mint('STANDARD', ['EMPLOYEES', 'FINANCE']),
      await mint('PARTNER', ['ASSETS']),
    ];

    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const issuer of issuers) {
      for (const modules of subsets) {
        for (const kind of ['STANDARD', 'PARTNER'] as const) {
          const label = `${issuer.label} → ${kind} ${modules.join('+')}`;
          const before = await t.database.db
            .selectFrom('access_key')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow();
          // The contract's operation, which partner keys may also send (it is in the persisted manifest).
          const res = await graphql(
            t.gatewayUrl,
            IssueAccessKeyDocument,
            { input: { companyId: matrixCompany, name: label.slice(0, 100), kind, modules } },
            { token: issuer.token },
          );
          const after = await t.database.db
            .selectFrom('access_key')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow();
          const written = Number(after.n) - Number(before.n);

          // The rule, restated independently of the product's code.
          let want: string;
          if (issuer.kind === 'PARTNER') want = 'FORBIDDEN';
          else {
            const codes: string[] = [];
            if (modules.some((m) => !companyModules.includes(m))) codes.push('MODULE_NOT_SUBSCRIBED');
            if (issuer.kind !== 'OPERATOR' && modules.some((m) => companyModules.includes(m) && !issuer.modules.includes(m))) codes.push('MODULE_NOT_GRANTED');
            want = codes.length ? codes.join(',') : 'ISSUED';
          }
          expected.push(`${label}: ${want} (${want === 'ISSUED' ? 1 : 0} written)`);

          let got: string;
          if (res.errors) got = res.errors.map((e) => e.extensions?.code).join(',');
          else if (res.data!.issueAccessKey.userErrors.length) got = res.data!.issueAccessKey.userErrors.map((e) => e.code).join(',');
          else {
            got = 'ISSUED';
            const key = res.data!.issueAccessKey.accessKey!;
            expect(key.modules).toEqual(modules);
            expect(key.kind).toBe(kind);
            const row = await t.database.db.selectFrom('access_key').select('issued_by_key_id').where('id', '=', key.id).executeTakeFirstOrThrow();
            expect(row.issued_by_key_id).toBe(issuer.id);
          }
          outcomes.push(`${label}: ${got} (${written} written)`);
        }
      }
    }
    expect(outcomes).toEqual(expected);
  });
});

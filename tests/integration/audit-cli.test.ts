import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { writeTenantAudit, type TenantAuditDB } from '../../subgraphs/kit/audit';
import { createCompany, type Company } from '../support/company';
import { runFluxo, type CliRun } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

// `fluxo audit verify|list|export|purge|retention` as an operator runs them:
// the real CLI in its own process, on a control plane and a tenant database.

let database: TestDatabase;
let company: Company;
let tenantAudit: Kysely<TenantAuditDB>;
let dir: string;

function fluxo(...args: string[]): Promise<CliRun> {
  return runFluxo(database, [...args]);
}

const actor = { kind: 'KEY', id: 'k-cli', requestId: 'req-cli' };

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Audit Cli Co', modules: ['EMPLOYEES'] });
  tenantAudit = company.openTenantDb<TenantAuditDB>();
  // Old rows first (a purge takes a prefix of the chain), then recent ones of two operations.
  await sql`INSERT INTO audit.audit_log (module, operation, entity, entity_id, at)
            SELECT 'EMPLOYEES', 'hireEmployee', 'employee', 'old-' || n, timestamptz '2012-01-01' + n * interval '1 day' FROM generate_series(1, 4) n`.execute(
    tenantAudit,
  );
  for (let i = 0; i < 5; i += 1) {
    await writeTenantAudit(tenantAudit, 'EMPLOYEES', actor, [
      { operation: 'hireEmployee', entity: 'employee', entityId: `e-${i}`, after: { name: `E${i}` } },
      { operation: 'createDepartment', entity: 'department', entityId: `d-${i}` },
    ]);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-audit-'));
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await tenantAudit?.destroy();
  await company?.tenantDb.destroy();
  await database?.drop();
});

it('exports matching rows as NDJSON, to a file or stdout, in batches', async () => {
  const file = path.join(dir, 'hires.ndjson');
  const toFile = await fluxo(
    'audit',
    'export',
    '--company',
    company.slug,
    '--action',
    'hireEmployee',
    '--from',
    '2020-01-01',
    '--out',
    file,
    '--batch-size',
    '2',
  );
  expect(toFile).toMatchObject({ code: 0, stderr: `audit export: 5 rows written to ${file}\n` });
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const rows = lines.map((line) => JSON.parse(line) as { id: string; operation: string; entity_id: string; after: unknown; at: string });
  expect(rows.map((r) => r.entity_id)).toEqual(['e-4', 'e-3', 'e-2', 'e-1', 'e-0']);
  expect(rows.every((r) => r.operation === 'hireEmployee' && r.at >= '2020')).toBe(true);
  expect(rows[0]!.after).toEqual({ name: 'E4' });

  const toStdout = await fluxo('audit', 'export', '--company', company.slug, '--entity', 'department', '--to', '2100-01-01');
  const departments = toStdout.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { entity: string });
  expect(departments).toHaveLength(5);
  expect(departments.every((d) => d.entity === 'department')).toBe(true);

  const listed = await fluxo('audit', 'list', '--company', company.slug, '--action', 'createDepartment', '--limit', '2');
  expect(listed.stdout).toMatch(/^ID\s+AT\s+ACTOR/);
  expect(listed.stdout).toMatch(/k-cli\s+createDepartment\s+department\s+d-4\n.*d-3\n$/);
});

it('purges past the retention only, audited, and the chain still verifies from the anchor', async () => {
  const unconfirmed = await fluxo('audit', 'purge', '--company', company.slug, '--before', '2015-01-01');
  expect(unconfirmed.code).toBe(1);
  expect(unconfirmed.stderr).toMatch(/add --yes/);

  const tooRecent = await fluxo('audit', 'purge', '--company', company.slug, '--before', new Date().toISOString(), '--yes');
  expect(tooRecent.code).toBe(1);
  expect(tooRecent.stderr).toMatch(/kept 5 years.*WITHIN_RETENTION/);

  const purged = await fluxo('audit', 'purge', '--company', company.slug, '--before', '2015-01-01', '--yes');
  expect(purged.stderr).toBe('');
  expect(purged.stdout).toMatch(new RegExp(`^${company.slug}: 4 audit rows purged`));
  expect(await tenantAudit.selectFrom('audit.audit_log').select('entity_id').where('entity_id', 'like', 'old-%').execute()).toEqual([]);
  const recorded = await database.db
    .selectFrom('audit_log')
    .select(['actor_kind', 'credential', 'entity_id', 'after'])
    .where('operation', '=', 'purgeAuditLog')
    .execute();
  expect(recorded).toEqual([{ actor_kind: 'CLI', credential: 'CLI', entity_id: company.companyId, after: expect.objectContaining({ rows: 4 }) }]);

  const verified = await fluxo('audit', 'verify', '--all');
  expect(verified.code).toBe(0);
  expect(verified.stdout).toMatch(
    new RegExp(`^control-plane: ok, \\d+ rows verified\n${company.slug}: ok, 10 rows verified, from the purge anchor after row \\d+\n`),
  );
  expect(verified.stdout).toMatch(/audit verify: 2 streams, 0 broken/);
});

it('sets the retention, audited', async () => {
  const set = await fluxo('audit', 'retention', '--company', company.slug, '--years', '7');
  expect(set.stdout).toBe(`${company.slug}: audit kept 7 years\n`);
  const row = await database.db.selectFrom('company').select('audit_retention_years').where('id', '=', company.companyId).executeTakeFirstOrThrow();
  expect(row.audit_retention_years).toBe(7);
  const recorded = await database.db.selectFrom('audit_log').select(['after']).where('operation', '=', 'setAuditRetention').execute();
  expect(recorded).toEqual([{ after: { auditRetentionYears: 7 } }]);
});

it('names the first altered row and fails', async () => {
  const [, target] = (await tenantAudit.selectFrom('audit.audit_log').select('id').orderBy('id').limit(2).execute()).map((r) => r.id);
  await sql`ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only`.execute(tenantAudit);
  await sql`UPDATE audit.audit_log SET entity_id = 'forged' WHERE id = ${target}`.execute(tenantAudit);
  await sql`ALTER TABLE audit.audit_log ENABLE TRIGGER audit_log_append_only`.execute(tenantAudit);

  const anchor = await sql<{ last_id: string }>`SELECT last_id::text AS last_id FROM audit.audit_purge_anchor`.execute(tenantAudit);

  const verified = await fluxo('audit', 'verify', '--company', company.slug);
  expect(verified.code).toBe(1);
  expect(verified.stdout).toBe(
    `${company.slug}: BROKEN (ALTERED) row ${target} was altered after it was written; 1 row verified before it, from the purge anchor after row ${anchor.rows[0]!.last_id}\n`,
  );
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { DecryptionError, generateMasterKey } from '../../platform/data-encryption';
import { actAs } from '../../subgraphs/kit/mutation';
import { hireEmployee } from '../../subgraphs/employees/services/hiring';
import { DataKeyring, masterKeyFrom } from '../../subgraphs/employees/services/keyring';
import { readPersonalData } from '../../subgraphs/employees/services/personal-data';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { createCompany, type Company } from '../support/company';
import { runFluxo, type CliRun } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

// `fluxo keys rotate-data-key` and `fluxo keys rewrap-data-keys` as an operator
// runs them: the real CLI in its own process, on a tenant with personal data.

let database: TestDatabase;
let company: Company;
let db: Kysely<EmployeesDB>;
let masterKey: string;

function fluxo(...args: string[]): Promise<CliRun> {
  return runFluxo(database, [...args], { FLUXO_DATA_MASTER_KEY: masterKey });
}

const keyringWith = (base64: string) => new DataKeyring(() => masterKeyFrom(base64), company.tenant.id);

beforeAll(async () => {
  database = await createTestDatabase();
  masterKey = database.config.secrets.dataMasterKey!;
  company = await createCompany(database, { name: 'Key Rotation Co', modules: ['EMPLOYEES'] });
  db = company.openTenantDb<EmployeesDB>();
  const who = { kind: 'ADMIN' as const, id: null, requestId: 'seed' };
  for (let i = 0; i < 3; i += 1) {
    const input = { firstName: 'Rot', lastName: `Ate${i}`, email: `rot${i}@keys.example`, hireDate: '2026-01-05', taxId: `11122233${i}` };
    await db.transaction().execute((trx) => actAs(trx, 'EMPLOYEES', who, 'hireEmployee', (t, actor) => hireEmployee(t, input, actor, keyringWith(masterKey))));
  }
});
afterAll(async () => {
  await db?.destroy();
  await company?.tenantDb.destroy();
  await database?.drop();
});

async function taxIds(keyring: DataKeyring): Promise<string[]> {
  const rows = await db.selectFrom('employees.employee_personal_data').selectAll().execute();
  return (await Promise.all(rows.map(async (r) => (await readPersonalData(db, keyring, r)).taxId!))).sort();
}

it('rotates a company’s data key in batches, retiring the old version', async () => {
  expect((await fluxo('keys', 'rotate-data-key', '--company', company.slug, '--all')).code).toBe(1);
  const rotated = await fluxo('keys', 'rotate-data-key', '--company', company.slug, '--batch-size', '1');
  expect(rotated.code).toBe(0);
  expect(rotated.stdout).toBe(`${company.slug}: data key v2, 3 rows re-encrypted, retired v1\n`);
  expect(rotated.stderr).toContain(`${company.slug}: 3/3`);
  expect(await db.selectFrom('employees.employee_personal_data').select('key_version').distinct().execute()).toEqual([{ key_version: 2 }]);
  expect(await taxIds(keyringWith(masterKey))).toEqual(['111222330', '111222331', '111222332']);
});

it('re-wraps the data keys under a new master key, after which only the new one unwraps them', async () => {
  const next = generateMasterKey();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-keys-'));
  const file = path.join(dir, 'master.key');
  fs.writeFileSync(file, `${next}\n`, { mode: 0o600 });
  const rewrapped = await fluxo('keys', 'rewrap-data-keys', '--company', company.slug, '--new-master-key-file', file);
  expect(rewrapped.stdout).toBe(`${company.slug}: 1 data key version(s) re-wrapped\n`);
  expect(await taxIds(keyringWith(next))).toEqual(['111222330', '111222331', '111222332']);
  await expect(taxIds(keyringWith(masterKey))).rejects.toThrow(DecryptionError);
  masterKey = next;
  fs.rmSync(dir, { recursive: true });
});

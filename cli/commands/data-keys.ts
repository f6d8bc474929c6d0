import fs from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import type { FluxoConfig } from '../../platform/config';
import { decodeMasterKey, generateMasterKey } from '../../platform/data-encryption';
import { ServiceRuntime } from '../../platform/runtime';
import { localDataMasterKey } from '../../platform/secrets';
import { listTenants, type TenantWithCompany } from '../../subgraphs/access/store/tenants';
import { rewrapDataKeys, rotateDataKey } from '../../subgraphs/employees/services/data-key-rotation';
import { DataKeyring } from '../../subgraphs/employees/services/keyring';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { cliLogger, CliUsageError, configWithDatabaseUrl } from '../support';

const out = (text: string) => process.stdout.write(`${text}\n`);
const progressLine = (text: string) => process.stderr.write(`${text}\n`);

/** FLUXO_DATA_MASTER_KEY, else the one `fluxo start` keeps in the data dir. */
function masterKeyOf(config: FluxoConfig): Buffer {
  const base64 = config.secrets.dataMasterKey ?? localDataMasterKey(config.dataDir);
  if (base64 === null) throw new CliUsageError('FLUXO_DATA_MASTER_KEY is not set and the data dir holds no master key');
  return decodeMasterKey(base64);
}

async function tenantsInScope(runtime: ServiceRuntime, options: { company?: string; all?: boolean }): Promise<TenantWithCompany[]> {
  if (!options.company === !options.all) throw new CliUsageError('give either --company <slug> or --all');
  const tenants = await listTenants(runtime.controlPlane(), options.company ? { slugs: [options.company] } : {});
  const inScope = tenants.filter((t) => t.status === 'ACTIVE' && t.modules.includes('EMPLOYEES'));
  if (options.company && inScope.length === 0) throw new CliUsageError(`no active company ${options.company} with the EMPLOYEES module`);
  return inScope;
}

/**
 * `fluxo keys rotate-data-key`: a new data key version per company, and its
 * employees' personal data re-encrypted under it in batches, with a progress
 * bar on a terminal (a line per batch otherwise). Interrupted, it is run
 * again: it takes up the unfinished rotation instead of starting another.
 */
export async function rotateDataKeyCommand(options: { company?: string; all?: boolean; batchSize: number }): Promise<void> {
  const config = configWithDatabaseUrl();
  const masterKey = masterKeyOf(config);
  const runtime = new ServiceRuntime(config, cliLogger(config));
  try {
    for (const tenant of await tenantsInScope(runtime, options)) {
      const db = runtime.tenantPools().get<EmployeesDB>(tenant.shard, tenant.database_name);
      const bar = process.stderr.isTTY
        ? new SingleBar({ stream: process.stderr, format: `${tenant.slug} [{bar}] {value}/{total} rows`, hideCursor: true }, Presets.shades_classic)
        : null;
      const result = await rotateDataKey(db, new DataKeyring(() => masterKey, tenant.id), {
        batchSize: options.batchSize,
        onStart: (p) =>
          bar ? bar.start(p.total, 0) : progressLine(`${tenant.slug}: ${p.resumed ? 'resuming' : 'rotating'} to v${p.version}, ${p.total} rows`),
        onBatch: (p) => {
          if (bar) bar.update(p.done);
          else progressLine(`${tenant.slug}: ${p.done}/${p.total}`);
        },
      }).finally(() => bar?.stop());
      const retired = result.retired.length > 0 ? `retired v${result.retired.join(', v')}` : 'no version retired (rows still under an older key: run again)';
      out(`${tenant.slug}: data key v${result.version}${result.resumed ? ' (resumed)' : ''}, ${result.done} rows re-encrypted, ${retired}`);
    }
  } finally {
    await runtime.close();
  }
}

/**
 * `fluxo keys rewrap-data-keys --new-master-key-file <file>`: master-key
 * rotation. Every live data key is unwrapped with the current master key and
 * wrapped with the new one (no personal data is re-encrypted); then
 * FLUXO_DATA_MASTER_KEY must be switched to the new key.
 */
export async function rewrapDataKeysCommand(options: { company?: string; all?: boolean; newMasterKeyFile: string }): Promise<void> {
  const config = configWithDatabaseUrl();
  const oldMaster = masterKeyOf(config);
  let newMaster: Buffer;
  try {
    newMaster = decodeMasterKey(fs.readFileSync(options.newMasterKeyFile, 'utf8').trim());
  } catch {
    throw new CliUsageError(`${options.newMasterKeyFile} must hold a base64 32-byte key (fluxo keys generate-data-master-key)`);
  }
  const runtime = new ServiceRuntime(config, cliLogger(config));
  try {
    for (const tenant of await tenantsInScope(runtime, options)) {
      const db = runtime.tenantPools().get<EmployeesDB>(tenant.shard, tenant.database_name);
      out(`${tenant.slug}: ${await rewrapDataKeys(db, tenant.id, oldMaster, newMaster)} data key version(s) re-wrapped`);
    }
  } finally {
    await runtime.close();
  }
}

/** `fluxo keys generate-data-master-key`: a value for FLUXO_DATA_MASTER_KEY. */
export function generateDataMasterKeyCommand(): void {
  out(generateMasterKey());
}

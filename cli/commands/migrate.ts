import { databaseName } from '../../platform/db';
import { configWithDatabaseUrl, prepareControlPlane } from '../support';

/** `fluxo migrate`: creates (if needed) and migrates the control-plane database of DATABASE_URL. */
export async function migrateCommand(): Promise<void> {
  const config = configWithDatabaseUrl();
  const applied = await prepareControlPlane(config);
  const target = `control plane "${databaseName(config.databaseUrl)}"`;
  process.stdout.write(applied.length > 0 ? `${target}: applied ${applied.join(', ')}\n` : `${target}: up to date\n`);
}

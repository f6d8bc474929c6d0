import { decodeMasterKey, generateDataKey, unwrapDataKey, wrapDataKey } from '../../../platform/data-encryption';
import type { EmployeesExecutor } from '../store/db';
import { findLiveDataKeys, insertDataKey, latestDataKeyVersion } from '../store/data-keys';

export interface DataKey {
  version: number;
  key: Buffer;
}

/** The master key of this process, or a failure that names the missing setting when personal data is touched without it. */
export function masterKeyFrom(base64: string | null): Buffer {
  if (base64 === null) throw new Error('FLUXO_DATA_MASTER_KEY is not set: personal data can be neither encrypted nor decrypted');
  return decodeMasterKey(base64);
}

/**
 * One tenant's data keys, unwrapped on first use and kept for the keyring's
 * life (a request, or one rotation). The newest live version encrypts; every
 * live version decrypts, so rows still under an older key read during a rotation.
 */
export class DataKeyring {
  private readonly keys = new Map<number, Buffer>();
  /** The load in flight or done: the resolvers of one page share one read of the keys. */
  private loading: Promise<void> | null = null;

  constructor(
    private readonly masterKey: () => Buffer,
    readonly tenantId: string,
  ) {}

  /** The version new ciphertexts use; the tenant's first key is created here, on first write. */
  async current(db: EmployeesExecutor): Promise<DataKey> {
    const live = await this.live(db, true);
    if (live.length > 0) return live[0]!;
    await this.addVersion(db, 1);
    return (await this.live(db, true))[0]!;
  }

  /** Every version that still decrypts, newest first. */
  async live(db: EmployeesExecutor, reload = false): Promise<DataKey[]> {
    await this.load(db, reload);
    return [...this.keys.entries()].sort(([a], [b]) => b - a).map(([version, key]) => ({ version, key }));
  }

  async key(db: EmployeesExecutor, version: number): Promise<Buffer> {
    // A version created after the keys were read (a rotation started meanwhile) is read once more.
    await this.load(db, false);
    if (!this.keys.has(version)) await this.load(db, true);
    const key = this.keys.get(version);
    if (!key) throw new Error(`Data key version ${version} of tenant ${this.tenantId} is retired or missing`);
    return key;
  }

  /** A new version after the latest (rotation): it encrypts from now on. */
  async addNextVersion(db: EmployeesExecutor): Promise<number> {
    const version = (await latestDataKeyVersion(db)) + 1;
    await this.addVersion(db, version);
    return version;
  }

  private async addVersion(db: EmployeesExecutor, version: number): Promise<void> {
    await insertDataKey(db, version, wrapDataKey(this.masterKey(), generateDataKey(), { tenantId: this.tenantId, version }));
  }

  private load(db: EmployeesExecutor, again: boolean): Promise<void> {
    if (this.loading === null || again) {
      this.loading = findLiveDataKeys(db).then((rows) => {
        this.keys.clear();
        for (const row of rows)
          this.keys.set(row.version, unwrapDataKey(this.masterKey(), row.wrapped_key!, { tenantId: this.tenantId, version: row.version }));
      });
    }
    return this.loading;
  }
}

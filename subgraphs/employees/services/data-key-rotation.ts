import type { Kysely } from 'kysely';
import { unwrapDataKey, wrapDataKey } from '../../../platform/data-encryption';
import type { EmployeesDB } from '../store/db';
import { findLiveDataKeys, retireUnusedDataKeys, setWrappedKey } from '../store/data-keys';
import { countRowsNotUnder, findRowsToReencrypt, replacePersonalDataRows } from '../store/personal-data';
import type { DataKeyring } from './keyring';
import { decryptPersonalData, encryptPersonalData } from './personal-data';

export interface RotationProgress {
  /** The version every row ends under. */
  version: number;
  /** True when an interrupted rotation was taken up again rather than a new version created. */
  resumed: boolean;
  /** Rows to re-encrypt when the rotation (re)started, and those done so far. */
  total: number;
  done: number;
}

export interface RotationResult extends RotationProgress {
  /** Versions retired at the end: no row uses them, their keys are forgotten. */
  retired: number[];
}

/**
 * Rotates a tenant's data key: a new version (or, when rows are still under
 * older ones, the newest: the previous run was interrupted) encrypts from now
 * on; rows under older versions are re-encrypted in batches, in id order, each
 * batch its own transaction, so readers and writers wait on a batch at most;
 * meanwhile every live version still decrypts. Versions that no row uses any
 * more are then retired. A row a concurrent writer kept under an old version
 * keeps that version live: running again finishes it.
 */
export async function rotateDataKey(
  db: Kysely<EmployeesDB>,
  keyring: DataKeyring,
  options: { batchSize: number; onStart?: (p: RotationProgress) => void; onBatch?: (p: RotationProgress) => Promise<void> | void },
): Promise<RotationResult> {
  const progress = await db.transaction().execute(async (trx) => {
    const live = await keyring.live(trx, true);
    const newest = live[0]?.version ?? null;
    const unfinished = newest !== null && live.length > 1 && (await countRowsNotUnder(trx, newest)) > 0;
    const version = unfinished ? newest : await keyring.addNextVersion(trx);
    return { version, resumed: unfinished, total: await countRowsNotUnder(trx, version), done: 0 };
  });
  await keyring.live(db, true);
  options.onStart?.(progress);
  let afterId: string | null = null;
  for (;;) {
    const count: number = await db.transaction().execute(async (trx) => {
      const rows = await findRowsToReencrypt(trx, progress.version, afterId, options.batchSize);
      const target = { version: progress.version, key: await keyring.key(trx, progress.version) };
      const reencrypted = [];
      for (const row of rows) {
        const plain = decryptPersonalData(keyring.tenantId, row, await keyring.key(trx, row.key_version));
        reencrypted.push(encryptPersonalData(keyring.tenantId, row.employee_id, plain, target));
      }
      await replacePersonalDataRows(trx, reencrypted);
      afterId = rows.at(-1)?.employee_id ?? afterId;
      return rows.length;
    });
    if (count === 0) break;
    progress.done += count;
    await options.onBatch?.({ ...progress });
  }
  const retired = await retireUnusedDataKeys(db, progress.version);
  return { ...progress, retired };
}

/** Master-key rotation: every live data key unwrapped with the old master key and wrapped again with the new one, in one transaction. */
export async function rewrapDataKeys(db: Kysely<EmployeesDB>, tenantId: string, oldMaster: Buffer, newMaster: Buffer): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await findLiveDataKeys(trx);
    for (const row of rows) {
      const context = { tenantId, version: row.version };
      await setWrappedKey(trx, row.version, wrapDataKey(newMaster, unwrapDataKey(oldMaster, row.wrapped_key!, context), context));
    }
    return rows.length;
  });
}

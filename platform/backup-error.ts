/** Everything an operator must fix before a backup or restore can run; printed as it is. */
export class BackupError extends Error {
  override name = 'BackupError';
}

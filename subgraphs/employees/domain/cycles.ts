/**
 * Whether hanging `nodeId` under `newParentId` would close a loop, given the
 * chain from the new parent up to its root (the new parent first). Used for
 * both the reporting line (manager) and the department tree (parent).
 */
export function wouldCreateCycle(nodeId: string, newParentId: string | null, chainFromNewParent: readonly string[]): boolean {
  if (newParentId === null) return false;
  if (newParentId === nodeId) return true;
  return chainFromNewParent.includes(nodeId);
}

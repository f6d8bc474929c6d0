import type { Transaction } from 'kysely';
import { failWith } from '../../kit/errors';
import type { Actor } from '../../kit/actor';
import { periodClosed } from '../events';
import type { FinanceDB, SettingsRow } from '../store/db';
import { readSettingsForUpdate, updateClosedThrough } from '../store/settings';

/**
 * Closes the books through a date: from then on no entry dated on or before it
 * can be posted. The close waits for postings in flight (they share-lock the
 * settings row) and only ever moves forward; closing through a date already
 * closed changes nothing.
 */
export async function closePeriod(trx: Transaction<FinanceDB>, input: { through: string }, actor: Actor): Promise<{ settings: SettingsRow }> {
  const current = await readSettingsForUpdate(trx);
  if (current.closed_through !== null && input.through < current.closed_through) {
    failWith(['input', 'through'], `The books are closed through ${current.closed_through}; a closed period cannot be reopened`, 'PERIOD_CLOSED');
  }
  if (current.closed_through === input.through) return { settings: current };
  const settings = await updateClosedThrough(trx, input.through);
  actor.audit({
    operation: 'closePeriod',
    entity: 'ledger_settings',
    entityId: null,
    before: { closedThrough: current.closed_through },
    after: { closedThrough: settings.closed_through },
  });
  actor.publish(periodClosed(input.through));
  return { settings };
}

import type { EventConsumer } from '../../platform/outbox';
import { AssetDepreciated, AssetDisposed, AssetRegistered } from '../contracts/assets';
import { consumerOf, type EventContract, type EventHandler } from '../contracts/event';
import { PayRunPosted } from '../contracts/payroll';
import { eventActorOf } from '../kit/actor';
import { actAs } from '../kit/mutation';
import { postFromEvent } from './services/postings';
import type { FinanceDB } from './store/db';

/**
 * Books an event's posting as finance's own change: the entry, its audit row
 * (operation `post<EventType>`, the event's request) and JournalEntryPosted
 * commit with the relay's inbox row.
 */
const bookPosting = (contract: EventContract): EventHandler<FinanceDB> => ({
  contract,
  handle: async (trx, event) => {
    await actAs(trx, 'FINANCE', eventActorOf(event), `post${event.type}`, (t, actor) => postFromEvent(t, event, actor));
  },
});

/**
 * Events of other modules that carry a `posting` for the ledger: payroll's
 * posted pay runs and the asset register's acquisitions, depreciation and
 * disposals. Each becomes exactly one journal entry.
 */
export const consumers: EventConsumer[] = [consumerOf<FinanceDB>('FINANCE', [PayRunPosted, AssetRegistered, AssetDepreciated, AssetDisposed].map(bookPosting))];

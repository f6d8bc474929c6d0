import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { actorOf } from '../../kit/actor';
import { writeTenantAudit } from '../../kit/audit';
import type { BaseContext } from '../../kit/context';
import type { PersonalField } from '../domain/personal-data';
import type { TenantAuditDB } from '../../kit/audit';
import type { EmployeesDB } from '../store/db';

export interface Reveal {
  employeeId: string;
  fields: readonly PersonalField[];
}

export const REVEAL_OPERATION = 'revealPersonalData';

/**
 * Audits the reveals of one request together: every employee whose personal
 * data a response shows unmasked gets one audit row naming the fields, all
 * written in one statement before any of the values is returned.
 */
export function revealAuditLoader(db: () => Kysely<EmployeesDB>, ctx: BaseContext): DataLoader<Reveal, true, string> {
  return new DataLoader<Reveal, true, string>(
    async (reveals) => {
      // Each request that sees the data gets its own audit row: its answer is its own.
      if (ctx.answer) ctx.answer.shareable = false;
      await writeTenantAudit(
        db() as unknown as Kysely<TenantAuditDB>,
        'EMPLOYEES',
        actorOf(ctx),
        reveals.map((r) => ({ operation: REVEAL_OPERATION, entity: 'employee', entityId: r.employeeId, after: { fields: r.fields } })),
      );
      return reveals.map(() => true as const);
    },
    { cacheKeyFn: (r) => `${r.employeeId}:${r.fields.join(',')}` },
  );
}

import type { Kysely, QueryExecutorProvider } from 'kysely';
import type { CompanyRow } from '../../../platform/control-plane';
import type { Actor, ActorIdentity } from '../../kit/actor';
import type { TenantAuditDB } from '../../kit/audit';
import { failWith } from '../../kit/errors';
import { inControlPlaneTransaction, type ControlPlaneTransaction } from '../mutation';
import {
  latestPurgeAnchor,
  purgeRecorded,
  purgeTenantAuditBefore,
  readChainHead,
  readChainLinks,
  TENANT_CHAIN,
  type ChainSource,
  type PurgeAnchor,
} from '../store/audit-chain';
import { findCompany, setCompanyAuditRetention as storeRetention } from '../store/companies';
import { inTenantDatabase, tenantOfCompany, type ReachableTenant, type TenantReachDeps } from './tenant-reach';

/** Where a chain first stops holding: the row, and what is wrong with it. */
export interface ChainBreak {
  /** The first row that does not verify; null when rows are missing after the last one. */
  id: string | null;
  reason: 'ALTERED' | 'GAP' | 'TRUNCATED' | 'UNRECORDED_ANCHOR';
  message: string;
}

export interface ChainReport {
  rows: number;
  /** The purge the chain starts from, if any: its last purged row's id. */
  anchoredAfter: string | null;
  broken: ChainBreak | null;
}

/**
 * Walks a stream in id order, a batch at a time: each row must link to the
 * hash before it (the purge anchor's for the first row left after a purge)
 * and hash to what it stores; the last row must be the chain head the insert
 * trigger recorded, so rows cut from the end show too. The database
 * recomputes each row's hash with the same function its trigger used.
 */
export async function verifyChain(
  db: QueryExecutorProvider,
  source: ChainSource,
  options: { batchSize: number; onBatch?: (rows: number) => void },
): Promise<ChainReport> {
  const anchor = await latestPurgeAnchor(db, source);
  let expected: string | null = anchor?.last_hash ?? null;
  let after: string | null = anchor?.last_id ?? null;
  let rows = 0;
  const report = (broken: ChainBreak | null): ChainReport => ({ rows, anchoredAfter: anchor?.last_id ?? null, broken });
  for (;;) {
    const links = await readChainLinks(db, source, after, options.batchSize);
    for (const link of links) {
      if (link.prev_hash !== expected) {
        return report({ id: link.id, reason: 'GAP', message: `row ${link.id} does not follow the row before it: a row was removed or reordered` });
      }
      if (link.recomputed !== link.hash) return report({ id: link.id, reason: 'ALTERED', message: `row ${link.id} was altered after it was written` });
      expected = link.hash;
      after = link.id;
      rows += 1;
    }
    options.onBatch?.(links.length);
    if (links.length < options.batchSize) break;
  }
  const head = await readChainHead(db, source);
  if (head.hash !== expected) {
    return report({
      id: null,
      reason: 'TRUNCATED',
      message: `the chain ends at row ${after ?? '(none)'} but its head is row ${head.last_id}: rows were removed from the end`,
    });
  }
  return report(null);
}

/** Verifies one company's tenant audit stream. */
export async function verifyTenantChain(deps: TenantReachDeps, companyId: string, options: { batchSize: number; onBatch?: (rows: number) => void }) {
  return verifyReachableTenantChain(deps, await tenantOfCompany(deps.controlPlane, companyId), options);
}

/**
 * A tenant's chain, and the anchor it starts from: a purge anchor counts only
 * when the control plane's audit (a chain of its own, in another database)
 * recorded that purge, so one forged in the tenant database alone is a break.
 */
export async function verifyReachableTenantChain(
  deps: TenantReachDeps,
  tenant: ReachableTenant,
  options: { batchSize: number; onBatch?: (rows: number) => void },
): Promise<ChainReport> {
  const { report, anchor } = await inTenantDatabase(deps.tenantPools(), tenant, async (db: Kysely<TenantAuditDB>) => ({
    report: await verifyChain(db, TENANT_CHAIN, options),
    anchor: await latestPurgeAnchor(db, TENANT_CHAIN),
  }));
  if (report.broken || !anchor || (await purgeRecorded(deps.controlPlane, tenant.companyId, anchor))) return report;
  const message = `the chain starts from a purge anchor after row ${anchor.last_id} that the control plane's audit never recorded`;
  return { ...report, broken: { id: anchor.last_id, reason: 'UNRECORDED_ANCHOR', message } };
}

const MIN_YEARS = 1;
const MAX_YEARS = 100;

/** Sets how many years the company's tenant audit is kept; recorded in the global audit. */
export async function setAuditRetention(trx: ControlPlaneTransaction, input: { companyId: string; years: number }, actor: Actor): Promise<CompanyRow> {
  if (!Number.isInteger(input.years) || input.years < MIN_YEARS || input.years > MAX_YEARS) {
    failWith(['input', 'years'], `Retention is a whole number of years from ${MIN_YEARS} to ${MAX_YEARS}`, 'INVALID_RETENTION');
  }
  const company = await findCompany(trx, input.companyId);
  if (!company) failWith(['input', 'companyId'], `No company ${input.companyId}`, 'NOT_FOUND');
  const updated = await storeRetention(trx, company.id, input.years);
  actor.audit({
    entity: 'company',
    entityId: company.id,
    before: { auditRetentionYears: company.audit_retention_years },
    after: { auditRetentionYears: input.years },
  });
  return updated;
}

/** The newest instant a purge may reach: everything at or after it is still within the company's retention. */
export function retentionLimit(years: number, now: Date): Date {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() - years);
  return limit;
}

/**
 * Deletes the company's tenant audit rows older than `before`, refused when
 * `before` is within the retention. The tenant keeps the purge's anchor (so
 * verification starts there) and the global audit records the count, the
 * range and the last purged hash. Null when no row was that old.
 */
export async function purgeTenantAudit(
  deps: TenantReachDeps,
  input: { companyId: string; before: Date },
  who: ActorIdentity,
  now: Date = new Date(),
): Promise<PurgeAnchor | null> {
  const company = await findCompany(deps.controlPlane, input.companyId);
  if (!company) failWith('companyId', `No company ${input.companyId}`, 'NOT_FOUND');
  const limit = retentionLimit(company.audit_retention_years, now);
  if (input.before > limit) {
    failWith(
      'before',
      `The audit of ${company.slug} is kept ${company.audit_retention_years} years: nothing after ${limit.toISOString()} may be purged`,
      'WITHIN_RETENTION',
    );
  }
  const tenant = await tenantOfCompany(deps.controlPlane, company.id);
  const anchor = await inTenantDatabase<TenantAuditDB, PurgeAnchor | null>(deps.tenantPools(), tenant, (db: Kysely<TenantAuditDB>) =>
    db.transaction().execute((trx) => purgeTenantAuditBefore(trx, input.before)),
  );
  if (!anchor) return null;
  await inControlPlaneTransaction(deps.controlPlane, who, 'purgeAuditLog', async (_trx, actor) => {
    actor.audit({
      entity: 'company',
      entityId: company.id,
      after: {
        before: input.before.toISOString(),
        retentionYears: company.audit_retention_years,
        rows: Number(anchor.row_count),
        firstId: anchor.first_id,
        lastId: anchor.last_id,
        firstAt: anchor.first_at,
        lastAt: anchor.last_at,
        lastHash: anchor.last_hash,
      },
    });
  });
  return anchor;
}

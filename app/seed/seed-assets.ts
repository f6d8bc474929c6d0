import { sql, type Kysely } from 'kysely';
import type { AssetsContext } from '../../subgraphs/assets/context';
import { assignAsset, returnAsset } from '../../subgraphs/assets/services/custody';
import { disposeAsset } from '../../subgraphs/assets/services/disposal';
import { completeMaintenance, scheduleMaintenance } from '../../subgraphs/assets/services/maintenance';
import { registerAsset } from '../../subgraphs/assets/services/register-asset';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import type { Holder, PlannedAsset } from './asset-plan';
import { accepted, assetsContext, type BatchScope } from './batch';

const CURRENCY = 'EUR';
const eur = (amount: string) => ({ amount, currency: CURRENCY });

/**
 * Who may receive assets: the employees the assets module knows as ACTIVE
 * (from the employees module's events, never its tables), those hired by this
 * run first in hiring order, so the same seed hands the same assets out.
 */
export async function activeHolders(db: Kysely<AssetsDB>, hiredThisRun: ReadonlyArray<{ id: string; hireDate: string }>): Promise<Holder[]> {
  const rows = await db.selectFrom('assets.employee_projection').select(['employee_id', 'full_name']).where('status', '=', 'ACTIVE').orderBy('full_name').orderBy('employee_id').execute();
  const active = new Set(rows.map((r) => r.employee_id));
  const fromThisRun = hiredThisRun.filter((e) => active.has(e.id));
  const known = new Set(fromThisRun.map((e) => e.id));
  return [
    ...fromThisRun.map((e) => ({ employeeId: e.id, since: e.hireDate })),
    ...rows.filter((r) => !known.has(r.employee_id)).map((r) => ({ employeeId: r.employee_id, since: null })),
  ];
}

export async function takenTags(db: Kysely<AssetsDB>): Promise<Set<string>> {
  const { rows } = await sql<{ tag: string }>`SELECT lower(tag) AS tag FROM assets.asset`.execute(db);
  return new Set(rows.map((r) => r.tag));
}

export interface AssetsReport {
  registered: number;
  assignments: number;
  returns: number;
  maintenanceScheduled: number;
  maintenanceCompleted: number;
  disposed: number;
}

async function register(ctx: AssetsContext, planned: PlannedAsset, holders: readonly Holder[], report: AssetsReport): Promise<void> {
  const { asset } = accepted(
    await registerAsset(ctx, {
      tag: planned.tag,
      name: planned.name,
      category: planned.category,
      serialNumber: planned.serialNumber,
      location: planned.location,
      acquisitionDate: planned.acquisitionDate,
      acquisitionCost: eur(planned.acquisitionCost),
      salvageValue: eur(planned.salvageValue),
      usefulLifeMonths: planned.usefulLifeMonths,
      depreciationMethod: planned.depreciationMethod,
    }),
    'registerAsset',
    planned.tag,
  );
  report.registered += 1;
  const assetId = asset.id;
  for (const step of planned.steps) {
    switch (step.kind) {
      case 'assign':
        accepted(await assignAsset(ctx, { assetId, employeeId: holders[step.holder]!.employeeId, date: step.date }), 'assignAsset', planned.tag);
        report.assignments += 1;
        break;
      case 'return':
        accepted(await returnAsset(ctx, { assetId, date: step.date }), 'returnAsset', planned.tag);
        report.returns += 1;
        break;
      case 'maintenance': {
        const { maintenance } = accepted(await scheduleMaintenance(ctx, { assetId, scheduledFor: step.scheduledFor, description: step.description }), 'scheduleMaintenance', planned.tag);
        report.maintenanceScheduled += 1;
        if (step.completed) {
          accepted(await completeMaintenance(ctx, { maintenanceId: maintenance.id, completedAt: step.completed.on, cost: eur(step.completed.cost) }), 'completeMaintenance', planned.tag);
          report.maintenanceCompleted += 1;
        }
        break;
      }
      case 'dispose':
        accepted(await disposeAsset(ctx, { assetId, date: step.date, proceeds: eur(step.proceeds) }), 'disposeAsset', planned.tag);
        report.disposed += 1;
        break;
    }
  }
}

/** Registers the plan in batches, each asset with its custody, maintenance and disposal, one transaction per batch. */
export async function registerAssets(
  db: Kysely<AssetsDB>,
  scope: BatchScope,
  input: { plan: readonly PlannedAsset[]; holders: readonly Holder[]; batchSize: number; onBatch: (done: number) => void },
): Promise<AssetsReport> {
  const report: AssetsReport = { registered: 0, assignments: 0, returns: 0, maintenanceScheduled: 0, maintenanceCompleted: 0, disposed: 0 };
  for (let start = 0; start < input.plan.length; start += input.batchSize) {
    const batchReport = { ...report };
    await db.transaction().execute(async (trx) => {
      const ctx = assetsContext(trx, { ...scope, requestId: `${scope.requestId}-assets-${start / input.batchSize + 1}` });
      for (const planned of input.plan.slice(start, start + input.batchSize)) await register(ctx, planned, input.holders, batchReport);
    });
    Object.assign(report, batchReport);
    input.onBatch(report.registered);
  }
  return report;
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../../subgraphs/kit/actor';
import { assignAsset, returnAsset } from '../../subgraphs/assets/services/custody';
import { disposeAsset } from '../../subgraphs/assets/services/disposal';
import { completeMaintenance, scheduleMaintenance } from '../../subgraphs/assets/services/maintenance';
import { registerAsset } from '../../subgraphs/assets/services/register-asset';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import type { Holder, PlannedAsset } from './asset-plan';
import { SeedBatch, type BatchScope } from './batch';

const CURRENCY = 'EUR';
const eur = (amount: string) => ({ amount, currency: CURRENCY });

/**
 * Who may receive assets: the employees the assets module knows as ACTIVE
 * (from the employees module's events, never its tables), those hired by this
 * run first in hiring order, so the same seed hands the same assets out.
 */
export async function activeHolders(db: Kysely<AssetsDB>, hiredThisRun: ReadonlyArray<{ id: string; hireDate: string }>): Promise<Holder[]> {
  const rows = await db
    .selectFrom('assets.employee_projection')
    .select(['employee_id', 'full_name'])
    .where('status', '=', 'ACTIVE')
    .orderBy('full_name')
    .orderBy('employee_id')
    .execute();
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

async function register(batch: SeedBatch<AssetsDB>, planned: PlannedAsset, holders: readonly Holder[], report: AssetsReport): Promise<void> {
  const step = <R>(operation: string, work: (trx: Transaction<AssetsDB>, actor: Actor) => Promise<R>) => batch.run(operation, planned.tag, work);
  const registration = {
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
  };
  const { asset } = await step('registerAsset', (t, actor) => registerAsset(t, registration, actor));
  report.registered += 1;
  const assetId = asset.id;
  for (const planStep of planned.steps) {
    switch (planStep.kind) {
      case 'assign':
        await step('assignAsset', (t, actor) => assignAsset(t, { assetId, employeeId: holders[planStep.holder]!.employeeId, date: planStep.date }, actor));
        report.assignments += 1;
        break;
      case 'return':
        await step('returnAsset', (t, actor) => returnAsset(t, { assetId, date: planStep.date }, actor));
        report.returns += 1;
        break;
      case 'maintenance': {
        const { scheduledFor, description, completed } = planStep;
        const { maintenance } = await step('scheduleMaintenance', (t, actor) => scheduleMaintenance(t, { assetId, scheduledFor, description }, actor));
        report.maintenanceScheduled += 1;
        if (completed) {
          await step('completeMaintenance', (t, actor) =>
            completeMaintenance(t, { maintenanceId: maintenance.id, completedAt: completed.on, cost: eur(completed.cost) }, actor),
          );
          report.maintenanceCompleted += 1;
        }
        break;
      }
      case 'dispose':
        await step('disposeAsset', (t, actor) => disposeAsset(t, { assetId, date: planStep.date, proceeds: eur(planStep.proceeds) }, actor));
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
      const batch = new SeedBatch(trx, 'ASSETS', `${scope.requestId}-assets-${start / input.batchSize + 1}`);
      for (const planned of input.plan.slice(start, start + input.batchSize)) await register(batch, planned, input.holders, batchReport);
    });
    Object.assign(report, batchReport);
    input.onBatch(report.registered);
  }
  return report;
}

import type { ControlPlaneExecutor, PlanRow } from '../../../platform/control-plane';

export function listPlans(db: ControlPlaneExecutor): Promise<PlanRow[]> {
  return db.selectFrom('plan').selectAll().orderBy('sort_order').execute();
}

export async function findPlan(db: ControlPlaneExecutor, code: string): Promise<PlanRow | undefined> {
  return db.selectFrom('plan').selectAll().where('code', '=', code).executeTakeFirst();
}

import type { Selectable } from 'kysely';
import type { ModuleName } from '../modules';

export interface PlanTable {
  code: string;
  name: string;
  description: string;
  modules: ModuleName[];
  monthly_price: string;
  currency: string;
  sort_order: number;
}
export type PlanRow = Selectable<PlanTable>;

import { ASSET_CATEGORIES, type AssetCategoryTemplate, type DepreciationMethod } from './asset-catalogue';
import { addDays, earlierOf, laterOf } from './dates';
import { SeededRandom } from './random';

/**
 * The sample asset register as pure data: each asset's registration and the
 * custody, maintenance and disposal steps that follow it, in date order. The
 * seeder replays the steps through the assets module's mutations.
 */

/** Someone the assets module knows as active; `since` is their hire date when the seeder knows it. */
export interface Holder {
  employeeId: string;
  since: string | null;
}

export type AssetStep =
  | { kind: 'assign'; holder: number; date: string }
  | { kind: 'return'; date: string }
  | { kind: 'maintenance'; scheduledFor: string; description: string; completed: { on: string; cost: string } | null }
  | { kind: 'dispose'; date: string; proceeds: string };

export interface PlannedAsset {
  tag: string;
  name: string;
  category: string;
  serialNumber: string | null;
  location: string;
  acquisitionDate: string;
  /** EUR, two decimals. */
  acquisitionCost: string;
  salvageValue: string;
  usefulLifeMonths: number;
  depreciationMethod: DepreciationMethod;
  steps: AssetStep[];
}

export interface AssetPlanInput {
  seed: number;
  count: number;
  asOf: string;
  /** Who may receive assets, in a stable order (`holder` steps index into it). */
  holders: readonly Holder[];
  /** Tags already in the register, lower-cased. */
  takenTags: ReadonlySet<string>;
}

const DISPOSAL_RATE = 0.03;
const HANDOVER_RATE = 0.1;
const COMPLETED_MAINTENANCE_RATE = 0.12;
const OPEN_MAINTENANCE_RATE = 0.05;

const euros = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** Shop prices: whole euros, some ending in .99 or .50. */
const price = (random: SeededRandom, [min, max]: readonly [number, number]) => random.int(min, max) * 100 + random.pick([0, 0, 0, 50, 99]);

class Steps {
  readonly list: AssetStep[] = [];
  constructor(
    private readonly random: SeededRandom,
    private readonly asOf: string,
    private readonly holders: readonly Holder[],
    /** The date of the last step so far: each step is on or after it. */
    private last: string,
  ) {}

  /** A day some time after the last step, never after asOf. */
  private after(maxGapDays: number): string {
    return earlierOf(this.asOf, addDays(this.last, this.random.int(1, maxGapDays)));
  }

  assign(holder: number, maxGapDays: number): void {
    const since = this.holders[holder]!.since;
    this.last = since ? laterOf(this.after(maxGapDays), since) : this.after(maxGapDays);
    this.list.push({ kind: 'assign', holder, date: this.last });
  }

  return(maxGapDays: number): void {
    this.last = this.after(maxGapDays);
    this.list.push({ kind: 'return', date: this.last });
  }

  completedMaintenance(category: AssetCategoryTemplate): void {
    const scheduledFor = this.after(200);
    this.last = earlierOf(this.asOf, addDays(scheduledFor, this.random.int(0, 10)));
    this.list.push({
      kind: 'maintenance',
      scheduledFor,
      description: this.random.pick(category.maintenance),
      completed: { on: this.last, cost: euros(price(this.random, category.maintenanceCost)) },
    });
  }

  /** Still open: booked for the coming days, or started recently. */
  openMaintenance(category: AssetCategoryTemplate): void {
    const scheduledFor = this.random.chance(0.5) ? addDays(this.asOf, this.random.int(1, 14)) : laterOf(this.last, addDays(this.asOf, -this.random.int(0, 10)));
    this.list.push({ kind: 'maintenance', scheduledFor, description: this.random.pick(category.maintenance), completed: null });
  }

  dispose(cost: number): void {
    this.last = this.after(400);
    this.list.push({ kind: 'dispose', date: this.last, proceeds: euros(Math.floor((cost * this.random.int(0, 25)) / 100)) });
  }
}

function nextTag(prefix: string, ordinal: { value: number }, taken: ReadonlySet<string>): string {
  for (;;) {
    ordinal.value += 1;
    const tag = `${prefix}-${String(ordinal.value).padStart(6, '0')}`;
    if (!taken.has(tag.toLowerCase())) return tag;
  }
}

function planAsset(random: SeededRandom, input: AssetPlanInput, ordinal: { value: number }): PlannedAsset {
  const category = random.weighted(ASSET_CATEGORIES.map((c) => ({ weight: c.weight, value: c })));
  const model = random.pick(category.models);
  const cost = price(random, category.cost);
  const salvage = Math.floor((cost * random.int(category.salvagePercent[0], category.salvagePercent[1])) / 100);
  const disposed = random.chance(DISPOSAL_RATE);
  // Disposed items are older: something is sold or scrapped after a while in use.
  const acquisitionDate = addDays(input.asOf, disposed ? -random.int(400, 6 * 365) : -random.int(20, 5 * 365));
  const steps = new Steps(random, input.asOf, input.holders, acquisitionDate);
  const holderCount = input.holders.length;
  const someone = () => random.int(0, holderCount - 1);

  if (disposed) {
    if (random.chance(0.3)) steps.completedMaintenance(category);
    if (holderCount > 0 && random.chance(0.4)) {
      steps.assign(someone(), 60);
      steps.return(400);
    }
    steps.dispose(cost);
  } else {
    if (holderCount > 0 && random.chance(category.assignRate)) {
      const holder = someone();
      if (holderCount > 1 && random.chance(HANDOVER_RATE)) {
        // Someone else had it first and handed it back.
        steps.assign((holder + 1 + random.int(0, holderCount - 2)) % holderCount, 30);
        steps.return(300);
      }
      steps.assign(holder, 30);
    }
    if (random.chance(COMPLETED_MAINTENANCE_RATE)) steps.completedMaintenance(category);
    if (random.chance(OPEN_MAINTENANCE_RATE)) steps.openMaintenance(category);
  }

  return {
    tag: nextTag(category.tagPrefix, ordinal, input.takenTags),
    name: model.name,
    category: category.name,
    serialNumber: model.serialPrefix === null ? null : `${model.serialPrefix}${random.chars(model.serialAlphabet, model.serialLength)}`,
    location: random.pick(category.locations),
    acquisitionDate,
    acquisitionCost: euros(cost),
    salvageValue: euros(salvage),
    usefulLifeMonths: category.usefulLifeMonths,
    depreciationMethod: category.method,
    steps: steps.list,
  };
}

/** `count` assets; tags number on from the register's size, skipping any already taken. */
export function planAssets(input: AssetPlanInput): PlannedAsset[] {
  const random = new SeededRandom(input.seed, 2);
  const ordinal = { value: input.takenTags.size };
  return Array.from({ length: input.count }, () => planAsset(random, input, ordinal));
}

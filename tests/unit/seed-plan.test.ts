import { planAssets, type PlannedAsset } from '../../app/seed/asset-plan';
import { SeededRandom } from '../../app/seed/random';
import { planStaff, type PlannedEmployee } from '../../app/seed/staff-plan';

const AS_OF = '2026-06-15';
const staff = (seed: number, count = 200, extra: Partial<Parameters<typeof planStaff>[0]> = {}): PlannedEmployee[] =>
  planStaff({ seed, count, asOf: AS_OF, emailDomain: 'acme.example', takenEmails: new Set(), staffedHeads: new Set(), ...extra });
const holders = Array.from({ length: 60 }, (_, i) => ({ employeeId: `e${i}`, since: i % 2 === 0 ? '2024-03-01' : null }));
const assets = (seed: number, count = 500): PlannedAsset[] => planAssets({ seed, count, asOf: AS_OF, holders, takenTags: new Set(['lap-000003']) });

describe('the seed plans', () => {
  it('are the same for the same seed and differ for another', () => {
    expect(staff(3)).toEqual(staff(3));
    expect(assets(3)).toEqual(assets(3));
    expect(staff(4)).not.toEqual(staff(3));
    expect(assets(4)).not.toEqual(assets(3));
    const a = new SeededRandom(9);
    const b = new SeededRandom(9);
    expect(Array.from({ length: 5 }, () => a.int(1, 1000))).toEqual(Array.from({ length: 5 }, () => b.int(1, 1000)));
  });

  it('hire the CEO first, then the heads, then staff in hiring order, each with a unique e-mail', () => {
    const plan = staff(11);
    expect(plan[0]).toMatchObject({ position: 'Chief Executive Officer', reportsToHeadOf: null });
    expect(plan.slice(1, 10).every((p) => p.isHead && p.reportsToHeadOf !== null)).toBe(true);
    const hires = plan.slice(10).map((p) => p.hireDate);
    expect(hires).toEqual([...hires].sort());
    expect(new Set(plan.map((p) => p.email)).size).toBe(plan.length);
    expect(staff(11, 3).map((p) => p.department)).toEqual(['Executive Office', 'Engineering', 'Sales']);
  });

  it("keep each person's story in date order: contracts back to back, promotion and termination after them", () => {
    for (const p of staff(5, 400)) {
      expect(p.contracts[0]!.startDate).toBe(p.hireDate);
      for (let i = 1; i < p.contracts.length; i += 1) expect(p.contracts[i]!.startDate > p.contracts[i - 1]!.endDate!).toBe(true);
      if (p.promotion) expect(p.promotion.date > p.hireDate).toBe(true);
      if (p.terminatedOn) {
        expect(p.terminatedOn >= p.contracts.at(-1)!.startDate && p.terminatedOn < AS_OF).toBe(true);
        expect(p.leaveFrom).toBeNull();
      }
      if (p.leaveFrom) expect(p.leaveFrom >= p.hireDate && p.leaveFrom <= AS_OF).toBe(true);
    }
  });

  it('give when appending only the heads still missing, and new addresses', () => {
    const plan = staff(2, 20, { staffedHeads: new Set(['Executive Office', 'Engineering']), takenEmails: new Set(staff(2, 20).map((p) => p.email)) });
    expect(plan.filter((p) => p.isHead).map((p) => p.department)).not.toContain('Engineering');
    expect(plan.some((p) => p.position === 'Chief Executive Officer')).toBe(false);
    expect(plan.every((p) => p.reportsToHeadOf !== null)).toBe(true);
    expect(plan.map((p) => p.email).filter((e) => staff(2, 20).some((q) => q.email === e))).toEqual([]);
  });

  it("replay each asset's custody in date order, leaving about 70% held and a few disposed", () => {
    const plan = assets(6, 2000);
    expect(new Set(plan.map((a) => a.tag)).size).toBe(2000);
    expect(plan.map((a) => a.tag)).not.toContain('LAP-000003');
    let held = 0;
    for (const asset of plan) {
      let last = asset.acquisitionDate;
      let holding = false;
      for (const step of asset.steps) {
        const date = step.kind === 'maintenance' ? step.scheduledFor : step.date;
        expect(date >= last).toBe(true);
        if (step.kind === 'maintenance') last = step.completed?.on ?? last;
        else last = date;
        if (step.kind === 'assign') {
          expect(holding).toBe(false);
          holding = true;
        }
        if (step.kind === 'return' || step.kind === 'dispose') {
          expect(step.kind === 'dispose' && holding).toBe(false);
          holding = false;
        }
      }
      if (holding) held += 1;
      expect(Number(asset.salvageValue) <= Number(asset.acquisitionCost)).toBe(true);
    }
    expect(held / plan.length).toBeGreaterThan(0.62);
    expect(held / plan.length).toBeLessThan(0.78);
    const disposed = plan.filter((a) => a.steps.some((s) => s.kind === 'dispose')).length;
    expect(disposed).toBeGreaterThan(20);
    expect(disposed).toBeLessThan(120);
  });
});

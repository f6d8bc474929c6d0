import { addDays, addMonths, daysBetween, laterOf } from './dates';
import { DEPARTMENTS, FIRST_NAMES, HEAD_ORDER, HEAD_ROLE, LAST_NAMES, departmentTemplate, type PositionTemplate } from './organisation';
import { SeededRandom } from './random';

/**
 * Who the sample company hires, as pure data: names, dates, positions, who
 * reports to whom, contracts, promotions, leaves and terminations. The seeder
 * turns this into the employees module's mutations; nothing here touches a
 * database, so the same seed always gives the same plan.
 */

export type ContractType = 'PERMANENT' | 'FIXED_TERM' | 'CONTRACTOR';
export type PayFrequency = 'MONTHLY' | 'BIWEEKLY' | 'WEEKLY';

export interface PlannedContract {
  type: ContractType;
  startDate: string;
  endDate: string | null;
  payFrequency: PayFrequency;
  /** EUR, two decimals. */
  baseSalary: string;
}

export interface PlannedEmployee {
  firstName: string;
  lastName: string;
  email: string;
  hireDate: string;
  department: string;
  position: string;
  /** Fills the department's head position (the root's head is the CEO). */
  isHead: boolean;
  /** The department whose head this person reports to; null for the CEO. */
  reportsToHeadOf: string | null;
  /** In date order; never overlapping. */
  contracts: PlannedContract[];
  promotion: { position: string; date: string } | null;
  roles: string[];
  leaveFrom: string | null;
  terminatedOn: string | null;
}

export interface StaffPlanInput {
  seed: number;
  count: number;
  /** The plan's "today": every date is on or before it, except fixed terms running past it. */
  asOf: string;
  emailDomain: string;
  /** Addresses already taken in the tenant, lower-cased. */
  takenEmails: ReadonlySet<string>;
  /** Departments whose head is already employed (when appending). */
  staffedHeads: ReadonlySet<string>;
}

const STAFF_HIRED_WITHIN_DAYS = 6 * 365;
const TERMINATION_RATE = 0.06;
const LEAVE_RATE = 0.04;
const PROMOTION_RATE = 0.12;

/** The nearest department from `start` upwards (itself included) whose head is employed. */
function headedDepartmentFrom(start: string | null, heads: ReadonlySet<string>): string | null {
  for (let name = start; name !== null; name = departmentTemplate(name).parent) {
    if (heads.has(name)) return name;
  }
  return null;
}

const amount = (euros: number) => `${euros}.00`;
const roundTo = (value: number, step: number) => Math.round(value / step) * step;

function monthlySalary(random: SeededRandom, position: PositionTemplate): number {
  return roundTo(random.int(position.salary[0], position.salary[1]), 50);
}

function uniqueEmail(first: string, last: string, domain: string, taken: Set<string>): string {
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
  for (let n = 1; ; n += 1) {
    const email = `${local}${n === 1 ? '' : n}@${domain}`;
    if (!taken.has(email)) {
      taken.add(email);
      return email;
    }
  }
}

/**
 * Staff contracts: most permanent from the hire date; a fifth start on a fixed
 * term (converted to a permanent contract with a raise when the term ended
 * before `asOf`); a few contractors paid weekly or every two weeks.
 */
function staffContracts(random: SeededRandom, position: PositionTemplate, hireDate: string, asOf: string): PlannedContract[] {
  const monthly = monthlySalary(random, position);
  const kind = random.next();
  if (kind < 0.05) {
    const payFrequency: PayFrequency = random.chance(0.5) ? 'WEEKLY' : 'BIWEEKLY';
    const perPeriod = roundTo((monthly * 12) / (payFrequency === 'WEEKLY' ? 52 : 26), 10);
    return [{ type: 'CONTRACTOR', startDate: hireDate, endDate: null, payFrequency, baseSalary: amount(perPeriod) }];
  }
  if (kind < 0.25) {
    const endDate = addDays(addMonths(hireDate, random.pick([6, 12, 24])), -1);
    const fixedTerm: PlannedContract = { type: 'FIXED_TERM', startDate: hireDate, endDate, payFrequency: 'MONTHLY', baseSalary: amount(monthly) };
    if (endDate >= asOf) return [fixedTerm];
    const raised = roundTo(monthly * (1 + random.int(3, 8) / 100), 50);
    return [fixedTerm, { type: 'PERMANENT', startDate: addDays(endDate, 1), endDate: null, payFrequency: 'MONTHLY', baseSalary: amount(raised) }];
  }
  return [{ type: 'PERMANENT', startDate: hireDate, endDate: null, payFrequency: 'MONTHLY', baseSalary: amount(monthly) }];
}

function planHeads(random: SeededRandom, input: StaffPlanInput, taken: Set<string>): PlannedEmployee[] {
  const departments = HEAD_ORDER.filter((d) => !input.staffedHeads.has(d)).slice(0, input.count);
  // Oldest first, so the head of a parent department was hired before the heads reporting to them.
  const daysAgo = departments.map((d) => (d === 'Executive Office' ? random.int(8 * 365, 10 * 365) : random.int(5 * 365, 8 * 365))).sort((a, b) => b - a);
  const heads = new Set([...input.staffedHeads, ...departments]);
  return departments.map((department, i) => {
    const template = departmentTemplate(department);
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const hireDate = addDays(input.asOf, -daysAgo[i]!);
    return {
      firstName,
      lastName,
      email: uniqueEmail(firstName, lastName, input.emailDomain, taken),
      hireDate,
      department,
      position: template.head.title,
      isHead: true,
      reportsToHeadOf: headedDepartmentFrom(template.parent, heads),
      contracts: [{ type: 'PERMANENT', startDate: hireDate, endDate: null, payFrequency: 'MONTHLY', baseSalary: amount(monthlySalary(random, template.head)) }],
      promotion: null,
      roles: [HEAD_ROLE],
      leaveFrom: null,
      terminatedOn: null,
    };
  });
}

function planStaffMember(random: SeededRandom, input: StaffPlanInput, heads: ReadonlySet<string>, taken: Set<string>): PlannedEmployee {
  const department = random.weighted(DEPARTMENTS.map((d) => ({ weight: d.weight, value: d })));
  // Most join in an entry position; the last position of a department is reached by promotion or a senior hire.
  const entryIndex = random.chance(0.15) ? department.staff.length - 1 : random.int(0, Math.max(0, department.staff.length - 2));
  const position = department.staff[entryIndex]!;
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const hireDate = addDays(input.asOf, -random.int(14, STAFF_HIRED_WITHIN_DAYS));
  const contracts = staffContracts(random, position, hireDate, input.asOf);
  const tenure = daysBetween(hireDate, input.asOf);

  let promotion: PlannedEmployee['promotion'] = null;
  if (entryIndex < department.staff.length - 1 && tenure > 365 && random.chance(PROMOTION_RATE)) {
    promotion = { position: department.staff[department.staff.length - 1]!.title, date: addDays(hireDate, Math.round((tenure * random.int(40, 70)) / 100)) };
  }
  const roles = [...new Set([position.role, promotion ? department.staff.at(-1)!.role : undefined].filter((r): r is string => r !== undefined))];

  // A termination comes after everything else that happened to them, and at least a month after it.
  const lastChange = laterOf(contracts.at(-1)!.startDate, promotion?.date ?? hireDate);
  const earliestTermination = addDays(lastChange, 30);
  const latestTermination = addDays(input.asOf, -1);
  let terminatedOn: string | null = null;
  let leaveFrom: string | null = null;
  if (earliestTermination <= latestTermination && random.chance(TERMINATION_RATE)) {
    terminatedOn = addDays(earliestTermination, random.int(0, daysBetween(earliestTermination, latestTermination)));
  } else if (random.chance(LEAVE_RATE)) {
    leaveFrom = laterOf(lastChange, addDays(input.asOf, -random.int(1, 90)));
  }

  return {
    firstName,
    lastName,
    email: uniqueEmail(firstName, lastName, input.emailDomain, taken),
    hireDate,
    department: department.name,
    position: position.title,
    isHead: false,
    reportsToHeadOf: headedDepartmentFrom(department.name, heads),
    contracts,
    promotion,
    roles,
    leaveFrom,
    terminatedOn,
  };
}

/** The hires of one seeding run, in hiring order: missing heads first (CEO first of all), then staff by hire date. */
export function planStaff(input: StaffPlanInput): PlannedEmployee[] {
  const random = new SeededRandom(input.seed, 1);
  const taken = new Set(input.takenEmails);
  const heads = planHeads(random, input, taken);
  const headed = new Set([...input.staffedHeads, ...heads.map((h) => h.department)]);
  const staff = Array.from({ length: input.count - heads.length }, () => planStaffMember(random, input, headed, taken));
  // Numbers follow hire dates, as they would have in real life.
  staff.sort((a, b) => (a.hireDate < b.hireDate ? -1 : a.hireDate > b.hireDate ? 1 : 0));
  return [...heads, ...staff];
}

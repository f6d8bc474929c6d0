/**
 * The sample company's organisation: a small department tree, the positions of
 * each department (the first is its head), salary bands, and who gets which role.
 */

export interface PositionTemplate {
  title: string;
  /** Monthly base salary band in EUR. */
  salary: readonly [min: number, max: number];
  /** Role granted to whoever is hired into or promoted to this position. */
  role?: string;
}

export interface DepartmentTemplate {
  name: string;
  /** Parent department's name; null for the root. */
  parent: string | null;
  /** The head's position; the root's head is the CEO. */
  head: PositionTemplate;
  /** Positions staff are hired into; the later ones are promotions from the earlier. */
  staff: readonly PositionTemplate[];
  /** Share of the staff working here. */
  weight: number;
}

export const CEO_TITLE = 'Chief Executive Officer';

export const DEPARTMENTS: readonly DepartmentTemplate[] = [
  {
    name: 'Executive Office',
    parent: null,
    head: { title: CEO_TITLE, salary: [14_000, 18_000] },
    weight: 2,
    staff: [
      { title: 'Executive Assistant', salary: [3_400, 4_200] },
      { title: 'Chief of Staff', salary: [7_000, 8_500] },
    ],
  },
  {
    name: 'Engineering',
    parent: 'Executive Office',
    head: { title: 'Head of Engineering', salary: [9_500, 12_000] },
    weight: 22,
    staff: [
      { title: 'Software Engineer', salary: [4_300, 5_800] },
      { title: 'QA Engineer', salary: [3_900, 5_000] },
      { title: 'Senior Software Engineer', salary: [5_900, 7_600] },
    ],
  },
  {
    name: 'Platform',
    parent: 'Engineering',
    head: { title: 'Head of Platform', salary: [8_800, 10_500] },
    weight: 8,
    staff: [
      { title: 'Platform Engineer', salary: [4_800, 6_200] },
      { title: 'Site Reliability Engineer', salary: [5_200, 7_000] },
    ],
  },
  {
    name: 'Product',
    parent: 'Executive Office',
    head: { title: 'Head of Product', salary: [8_800, 11_000] },
    weight: 7,
    staff: [
      { title: 'Product Designer', salary: [4_200, 5_600] },
      { title: 'Product Manager', salary: [5_200, 7_000] },
    ],
  },
  {
    name: 'Sales',
    parent: 'Executive Office',
    head: { title: 'Head of Sales', salary: [8_500, 11_500] },
    weight: 15,
    staff: [
      { title: 'Sales Development Representative', salary: [3_100, 3_900] },
      { title: 'Account Executive', salary: [4_200, 6_000] },
    ],
  },
  {
    name: 'Customer Success',
    parent: 'Sales',
    head: { title: 'Head of Customer Success', salary: [7_500, 9_000] },
    weight: 14,
    staff: [
      { title: 'Support Specialist', salary: [2_900, 3_600] },
      { title: 'Customer Success Manager', salary: [3_800, 5_000] },
    ],
  },
  {
    name: 'Finance',
    parent: 'Executive Office',
    head: { title: 'Head of Finance', salary: [8_800, 11_000] },
    weight: 8,
    staff: [
      { title: 'Accountant', salary: [3_600, 4_600] },
      { title: 'Payroll Specialist', salary: [3_500, 4_400], role: 'Payroll Administrator' },
      { title: 'Financial Controller', salary: [5_200, 6_800] },
    ],
  },
  {
    name: 'Human Resources',
    parent: 'Executive Office',
    head: { title: 'Head of Human Resources', salary: [8_000, 10_000] },
    weight: 6,
    staff: [
      { title: 'Recruiter', salary: [3_400, 4_400], role: 'HR Administrator' },
      { title: 'HR Business Partner', salary: [4_400, 5_800], role: 'HR Administrator' },
    ],
  },
  {
    name: 'Operations',
    parent: 'Executive Office',
    head: { title: 'Head of Operations', salary: [7_800, 9_800] },
    weight: 8,
    staff: [
      { title: 'Operations Coordinator', salary: [3_200, 4_000] },
      { title: 'Procurement Specialist', salary: [3_700, 4_700], role: 'Asset Manager' },
    ],
  },
  {
    name: 'Facilities',
    parent: 'Operations',
    head: { title: 'Head of Facilities', salary: [6_500, 8_000] },
    weight: 6,
    staff: [
      { title: 'Facilities Technician', salary: [2_900, 3_600] },
      { title: 'Office Manager', salary: [3_300, 4_200], role: 'Asset Manager' },
    ],
  },
];

/** Heads are hired in this order when there are too few people for all of them. */
export const HEAD_ORDER: readonly string[] = [
  'Executive Office',
  'Engineering',
  'Sales',
  'Finance',
  'Human Resources',
  'Operations',
  'Product',
  'Platform',
  'Customer Success',
  'Facilities',
];

/** Granted to the CEO and every head. */
export const HEAD_ROLE = 'Approver';

export const ROLES: ReadonlyArray<{ name: string; description: string }> = [
  { name: HEAD_ROLE, description: 'Approves expenses, leave and pay runs of their department' },
  { name: 'HR Administrator', description: 'Maintains employee records and contracts' },
  { name: 'Payroll Administrator', description: 'Calculates and posts pay runs' },
  { name: 'Asset Manager', description: 'Registers, assigns and maintains company assets' },
];

export function departmentTemplate(name: string): DepartmentTemplate {
  const found = DEPARTMENTS.find((d) => d.name === name);
  if (!found) throw new Error(`no department template "${name}"`);
  return found;
}

export const FIRST_NAMES: readonly string[] = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elena',
  'Felix',
  'Greta',
  'Hannah',
  'Ivan',
  'Julia',
  'Karim',
  'Laura',
  'Mateo',
  'Nina',
  'Oscar',
  'Paula',
  'Quentin',
  'Rosa',
  'Samuel',
  'Tara',
  'Umar',
  'Vera',
  'William',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Amir',
  'Beatriz',
  'Chloe',
  'Daniel',
  'Emma',
  'Farah',
  'Gabriel',
  'Helena',
  'Isabel',
  'Jonas',
  'Katarina',
  'Leon',
  'Maya',
  'Noah',
  'Olivia',
  'Pablo',
  'Rahul',
  'Sofia',
  'Tomas',
  'Lucia',
  'Marek',
  'Aisha',
  'Jakob',
  'Mila',
  'Niklas',
  'Ingrid',
  'Hugo',
  'Leila',
  'Marta',
  'Emil',
  'Priya',
  'Lukas',
  'Sara',
  'Kenji',
];

export const LAST_NAMES: readonly string[] = [
  'Schmidt',
  'Garcia',
  'Rossi',
  'Novak',
  'Johansson',
  'Dubois',
  'Kowalski',
  'Silva',
  'Jensen',
  'Murphy',
  'Fischer',
  'Lopez',
  'Bianchi',
  'Horvat',
  'Nielsen',
  'Martin',
  'Nowak',
  'Costa',
  'Larsen',
  'Kelly',
  'Weber',
  'Fernandez',
  'Romano',
  'Kovac',
  'Andersson',
  'Bernard',
  'Wisniewski',
  'Santos',
  'Hansen',
  'Byrne',
  'Meyer',
  'Martinez',
  'Ricci',
  'Varga',
  'Karlsson',
  'Moreau',
  'Lewandowski',
  'Pereira',
  'Pedersen',
  'Walsh',
  'Wagner',
  'Sanchez',
  'Greco',
  'Nagy',
  'Eriksson',
  'Laurent',
  'Zielinski',
  'Oliveira',
  'Berg',
  'OBrien',
  'Becker',
  'Gomez',
  'Marino',
  'Toth',
  'Lindqvist',
  'Lefebvre',
  'Kaminski',
  'Ferreira',
  'Dahl',
  'Ryan',
  'Hoffmann',
  'Diaz',
  'Conti',
  'Popescu',
  'Svensson',
  'Roux',
  'Mazur',
  'Almeida',
  'Lund',
  'Doyle',
  'Yilmaz',
  'Okafor',
  'Tanaka',
  'Haddad',
  'Kumar',
  'Nguyen',
  'Ivanova',
  'Petrov',
  'Sato',
  'Chen',
];

import { BUILT_IN_ROLE_CODES, BUILT_IN_ROLES, type BuiltInRole, type Permission } from '../../platform/permissions';
import { hireEmployee } from '../support/assets-e2e';
import { createCompany, type GatewayCompany, type Gql } from '../support/company';
import { member } from '../support/people';
import { apiRootFields, guardedFields, permissionMaps, probeOf, type GuardedField } from '../support/permission-probes';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// The permission matrix, generated from the catalogue and the subgraphs'
// permission maps: every built-in role, signed in as a real member through the
// gateway, against every Query and Mutation field whose rule is a catalogue
// permission. A role holding the field's permission (or any of a list) gets
// past authorization; any other gets FORBIDDEN naming what was missing. A new
// field, permission or role joins the matrix without editing this file.

let t: TestStack;
let company: GatewayCompany;
const members = new Map<BuiltInRole, Gql>();
/** `Root.field` of every field the matrix probed for every role. */
const covered = new Set<string>();

const CONCURRENCY = 8;

beforeAll(async () => {
  t = await startTestStack();
  company = await createCompany(t, { name: 'Matrix Co', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
  // A SELF role without an employee record reaches nothing, so self-service is linked to one.
  const employeeId = await hireEmployee(t, company, 'Selma', 'Self');
  for (const role of BUILT_IN_ROLE_CODES) {
    const person = await member(t, company.secret, {
      companyId: company.companyId,
      roles: [{ role }],
      employeeId: BUILT_IN_ROLES[role].scope === 'SELF' ? employeeId : null,
    });
    members.set(role, person.gql);
  }
}, 60_000);
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

/** What authorization said about the field: ALLOWED, FORBIDDEN(permission), another refusal, or a request that never ran. */
function verdict(res: GraphQLResponse<unknown>, responseKey: string): string {
  if (res.status >= 500) return `HTTP ${res.status}`;
  const errors = res.errors ?? [];
  // An error without a path stopped the whole request (validation, limits): the field was never tried.
  const unplaced = errors.filter((e) => !e.path);
  if (unplaced.length > 0) return `NOT RUN: ${unplaced.map((e) => `${String(e.extensions?.code)} ${e.message}`).join('; ')}`;
  const onField = errors.filter((e) => e.path!.length === 1 && e.path![0] === responseKey);
  const forbidden = onField.find((e) => e.extensions?.code === 'FORBIDDEN');
  // The guard names the missing permission; a refusal without one came from the resolver's own check.
  if (forbidden)
    return forbidden.extensions?.permission
      ? `FORBIDDEN(${JSON.stringify(forbidden.extensions.permission)})`
      : `FORBIDDEN by the resolver: ${forbidden.message}`;
  if (onField.some((e) => e.extensions?.code === 'MODULE_NOT_SUBSCRIBED')) return 'MODULE_NOT_SUBSCRIBED';
  return 'ALLOWED';
}

function expectedVerdict(role: BuiltInRole, field: GuardedField): string {
  const held: readonly Permission[] = BUILT_IN_ROLES[role].permissions;
  if (field.permissions.some((p) => held.includes(p))) return 'ALLOWED';
  return `FORBIDDEN(${JSON.stringify(field.permissions.length === 1 ? field.permissions[0] : field.permissions)})`;
}

/** Runs `tasks` with at most `limit` in flight. */
async function inPool(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe('the permission matrix through the gateway', () => {
  it('lets each built-in role reach exactly the fields its permissions name', async () => {
    const fields = guardedFields();
    const mismatches: Array<{ role: BuiltInRole; field: string; expected: string; got: string }> = [];
    const answered = new Map<string, number>();
    const tasks = BUILT_IN_ROLE_CODES.flatMap((role) =>
      fields.map((field) => async () => {
        const name = `${field.root}.${field.field}`;
        const probe = probeOf(field.root, field.field, { companyId: company.companyId, arguments: { 'company.id': company.companyId } });
        const got = verdict(await members.get(role)!(probe.document, probe.variables), probe.responseKey);
        const expected = expectedVerdict(role, field);
        if (got !== expected) mismatches.push({ role, field: name, expected, got });
        answered.set(name, (answered.get(name) ?? 0) + 1);
      }),
    );
    await inPool(tasks, CONCURRENCY);
    for (const [name, count] of answered) if (count === BUILT_IN_ROLE_CODES.length) covered.add(name);
    expect(mismatches).toEqual([]);
  });

  it('covered every catalogue-permission field of every map, and every field of the API has a rule', () => {
    const mapped = guardedFields().map((f) => `${f.root}.${f.field}`);
    expect([...covered].sort()).toEqual([...mapped].sort());
    // The matrix reads the maps; a field no map names would escape it (and the guard).
    const ruled = new Set(
      permissionMaps().flatMap(({ map }) => ['Query', 'Mutation'].flatMap((root) => Object.keys(map[root] ?? {}).map((f) => `${root}.${f}`))),
    );
    expect(apiRootFields().filter((f) => !ruled.has(f))).toEqual([]);
    // Every map takes part, the access subgraph's included.
    expect(new Set(guardedFields().map((f) => f.subgraph))).toEqual(new Set(permissionMaps().map((m) => m.subgraph)));
  });
});

import type { GraphQLFieldResolver } from 'graphql';
import { isPermission, OVERVIEW_PERMISSION, permissionModule, type Permission, type RowScope } from '../../platform/permissions';
import type { ModuleName } from '../../platform/modules';
import { asOperatorField, hasModule, isOperatorForCompany, type BaseContext } from './context';
import { forbidden, moduleNotSubscribed, unauthenticated } from './errors';

/**
 * What a field needs: a permission of the catalogue (platform/permissions.ts),
 * or one of
 * - PUBLIC: anyone, signed in or not;
 * - SIGNED_IN: any credential (the resolver narrows further, e.g. `me`);
 * - OPERATOR: the platform operator;
 * - OPERATOR_FOR_COMPANY: the platform operator acting for the company it
 *   named (X-Fluxo-Company), holding the grant the gateway signed for it
 *   (gateway/operator-company.ts). Only the fields that list it admit that
 *   context: elsewhere the operator holds no company permission at all, and
 *   requireModule refuses it.
 * A list means any one of them.
 */
export type FieldRule = Permission | 'PUBLIC' | 'SIGNED_IN' | 'OPERATOR' | 'OPERATOR_FOR_COMPANY';
export type FieldPermission = FieldRule | readonly FieldRule[];

/**
 * A module's permission map: for each type, the rule of each field, in one
 * place a reviewer can read. Every Query and Mutation field, and the
 * `__resolveReference` of every entity the module resolves, must have one
 * (tests/unit/permission-maps.test.ts); other fields may tighten their type
 * (an employee's contracts need more than the employee).
 */
export type PermissionMap = Record<string, Record<string, FieldPermission>>;

const PSEUDO_RULES: readonly string[] = ['PUBLIC', 'SIGNED_IN', 'OPERATOR', 'OPERATOR_FOR_COMPANY'];

export function isFieldRule(value: unknown): value is FieldRule {
  return isPermission(value) || (typeof value === 'string' && PSEUDO_RULES.includes(value));
}

function passes(ctx: BaseContext, rule: FieldRule): boolean {
  if (rule === 'PUBLIC') return true;
  if (rule === 'SIGNED_IN') return ctx.caller.kind !== 'ANONYMOUS';
  if (rule === 'OPERATOR') return ctx.caller.kind === 'ADMIN';
  if (rule === 'OPERATOR_FOR_COMPANY') return isOperatorForCompany(ctx) && ctx.caller.grants.permissions.includes('company:settings.manage');
  // The operator's signed grant serves only the fields that admit OPERATOR_FOR_COMPANY.
  if (ctx.caller.kind === 'ADMIN') return false;
  const module = permissionModule(rule);
  return ctx.caller.tenant !== null && (module === null || hasModule(ctx, module)) && ctx.caller.grants.permissions.includes(rule);
}

/**
 * Refuses the caller unless it passes one of the rules: UNAUTHENTICATED without
 * a credential; MODULE_NOT_SUBSCRIBED when the module gate stops it (the gate
 * stays on top: no role reaches a module the company or key lacks); FORBIDDEN,
 * naming the permission, otherwise.
 */
export function authorize(ctx: BaseContext, permission: FieldPermission): void {
  const rules: readonly FieldRule[] = typeof permission === 'string' ? [permission] : permission;
  if (rules.some((rule) => passes(ctx, rule))) return;
  if (ctx.caller.kind === 'ANONYMOUS') throw unauthenticated();
  const needed = rules.filter(isPermission);
  if (isOperatorForCompany(ctx)) throw forbidden('The operator acting for a company may manage its custom-field definitions only');
  if (ctx.caller.kind === 'ADMIN' && rules.includes('OPERATOR_FOR_COMPANY'))
    throw forbidden('The operator names the company it acts for with the X-Fluxo-Company header');
  if (needed.length === 0) throw forbidden('This operation is for the platform operator');
  if (ctx.caller.tenant === null) throw forbidden('This operation needs a company credential');
  // The module gate first: a permission of a module the caller cannot reach is a missing module, not a missing role.
  const gated = needed.map(permissionModule).filter((m): m is ModuleName => m !== null && !hasModule(ctx, m));
  if (gated.length === needed.length) throw moduleNotSubscribed(gated[0]!);
  throw permissionRefused(needed);
}

function permissionRefused(needed: readonly Permission[]) {
  const error = forbidden(`This needs the permission ${needed.join(' or ')}`);
  error.extensions.permission = needed.length === 1 ? needed[0] : needed;
  return error;
}

export function can(ctx: BaseContext, permission: Permission): boolean {
  return passes(ctx, permission);
}

/**
 * The rows a held permission reaches: null for every row, else the employee
 * record and department subtrees its roles are scoped to. Store queries take
 * it as a filter, so scoped rows are never read, rather than read and dropped.
 */
export function rowScope(ctx: BaseContext, permission: Permission): RowScope | null {
  return ctx.caller.grants.scoped[permission] ?? null;
}

/** Whether the caller sees `module`'s overview block: the module and its overview permission, company-wide. */
export function seesOverview(ctx: BaseContext, module: ModuleName): boolean {
  const permission = OVERVIEW_PERMISSION[module];
  return permission !== undefined && hasModule(ctx, module) && can(ctx, permission) && rowScope(ctx, permission) === null;
}

type AnyResolver = GraphQLFieldResolver<unknown, BaseContext, Record<string, unknown>>;

/**
 * The resolver map with every mapped field guarded by its rule. A mapped
 * field without a resolver gets the default one (the parent's property), so a
 * rule on a plain field holds too. A rule for a type or field the map names
 * but the resolvers do not know is a mistake, refused at startup.
 */
export function guardResolvers<R extends object>(resolvers: R, map: PermissionMap): R {
  const guarded: Record<string, Record<string, unknown>> = { ...(resolvers as Record<string, Record<string, unknown>>) };
  for (const [type, fields] of Object.entries(map)) {
    const typeResolvers = { ...(guarded[type] ?? {}) };
    for (const [field, rule] of Object.entries(fields)) {
      const rules = typeof rule === 'string' ? [rule] : rule;
      if (!rules.every(isFieldRule)) throw new Error(`${type}.${field}: unknown permission ${JSON.stringify(rule)}`);
      const inner = typeResolvers[field];
      if (field === '__resolveReference') {
        if (typeof inner !== 'function') throw new Error(`${type}.__resolveReference has a rule but no resolver`);
        const resolve = inner as (reference: unknown, ctx: BaseContext, info: unknown) => unknown;
        typeResolvers[field] = async (reference: unknown, ctx: BaseContext, info: unknown) => {
          authorize(ctx, rule);
          return resolve(reference, ctx, info);
        };
        continue;
      }
      const resolve: AnyResolver =
        typeof inner === 'function' ? (inner as AnyResolver) : (parent) => (parent as Record<string, unknown> | null)?.[field] ?? null;
      const admitsOperator = rules.includes('OPERATOR_FOR_COMPANY');
      typeResolvers[field] = (parent: unknown, args: Record<string, unknown>, ctx: BaseContext, info: Parameters<AnyResolver>[3]) => {
        authorize(ctx, rule);
        if (admitsOperator && isOperatorForCompany(ctx)) return asOperatorField(ctx, () => resolve(parent, args, ctx, info));
        return resolve(parent, args, ctx, info);
      };
    }
    guarded[type] = typeResolvers;
  }
  return guarded as R;
}

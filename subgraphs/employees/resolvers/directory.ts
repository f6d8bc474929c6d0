import { paginate, type CursorValues } from '../../kit/pagination';
import { searchTerm, sharingTotal } from '../../kit/search';
import { isUuid } from '../../../platform/ids';
import type { EmployeeFilter as DirectoryFilterInput, Resolvers } from '../generated/resolvers-types';
import type { EmployeesContext } from '../context';
import { customConditions, customSort, sortValueOf } from '../../kit/custom-fields/filter';
import { badUserInput } from '../../kit/errors';
import type { CustomFieldSort } from '../generated/resolvers-types';
import { countEmployees, countEmployeesUpTo, listEmployees, type EmployeeFilter } from '../store/employees';

/**
 * The store's filter, or null when the filter cannot match anyone (a department id that is no id).
 * Custom-field conditions are checked against the fields the caller may read.
 */
async function directoryFilter(
  input: DirectoryFilterInput | null | undefined,
  sort: CustomFieldSort | null | undefined,
  ctx: EmployeesContext,
): Promise<EmployeeFilter | null> {
  const search = searchTerm(input?.search);
  const custom = input?.custom?.length ? customConditions(input.custom, await ctx.customFields.readable()) : [];
  const sortBy = sort ? customSort(sort, await ctx.customFields.readable()) : null;
  if (sortBy && search !== null) throw badUserInput('A search is listed in name order: drop sortByCustomField or the search', 'sortByCustomField');
  const departmentId = input?.departmentId ?? null;
  if (departmentId !== null && !isUuid(departmentId)) return null;
  return { status: input?.status ?? null, departmentId, search, custom: sortBy ? [...custom, sortBy] : custom, sortBy };
}

export const directoryResolvers: Resolvers = {
  Query: {
    employees: async (_parent, args, ctx) => {
      const db = ctx.db();
      const filter = await directoryFilter(args.filter, args.sortByCustomField, ctx);
      const scope = ctx.scopes.directory;
      const { fetch, count, countUpTo } = sharingTotal(
        async (page: { after: CursorValues | null; limit: number }, planned) =>
          filter ? listEmployees(db, filter, scope, page, planned) : (planned(true), { rows: [], total: 0 }),
        async () => (filter ? countEmployees(db, filter, scope) : 0),
        async (limit) => (filter ? countEmployeesUpTo(db, filter, scope, limit) : { count: 0, exact: true }),
      );
      const sortBy = filter?.sortBy?.definition;
      return paginate(args, {
        // The directory order: last name, first name, id; after the sorted field's value when there is one.
        cursorShape: sortBy ? [sortBy.type === 'INTEGER' ? 'integer' : 'string', 'string', 'string', 'uuid'] : ['string', 'string', 'uuid'],
        fetch,
        cursorOf: (e) => (sortBy ? [sortValueOf(sortBy, e.custom_fields), e.last_name, e.first_name, e.id] : [e.last_name, e.first_name, e.id]),
        count,
        countUpTo,
      });
    },
    employee: (_parent, { id }, ctx) => {
      ctx.tenant();
      return ctx.loaders.employee.load(id);
    },
  },
};

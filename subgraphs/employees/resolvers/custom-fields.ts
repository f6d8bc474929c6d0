import { archiveCustomField, changeCustomField, defineCustomField } from '../../kit/custom-fields/service';
import { definitionPayload as payload, definitionView, valuesView } from '../../kit/custom-fields/view';
import { runModuleMutation } from '../../kit/mutation';
import { checkNamedCompany } from '../../kit/custom-fields/request';
import type { Resolvers } from '../generated/resolvers-types';
import { EMPLOYEE_CUSTOM_FIELDS } from '../store/custom-fields';

/** Employees' custom fields: their definitions, managed by the company's administrators, and each employee's values. */
export const customFieldResolvers: Resolvers = {
  Query: {
    employeeCustomFields: async (_parent, { includeArchived }, ctx) => {
      const readable = await ctx.customFields.readable();
      return readable.filter((d) => includeArchived || d.archivedAt === null).map(definitionView);
    },
  },
  Mutation: {
    defineEmployeeCustomField: (_parent, { input }, ctx) => {
      checkNamedCompany(ctx, input.companyId);
      return payload(runModuleMutation(ctx, 'defineEmployeeCustomField', (trx, actor) => defineCustomField(trx, EMPLOYEE_CUSTOM_FIELDS, input, actor)));
    },
    updateEmployeeCustomField: (_parent, { input }, ctx) => {
      checkNamedCompany(ctx, input.companyId);
      return payload(
        runModuleMutation(ctx, 'updateEmployeeCustomField', (trx, actor) => changeCustomField(trx, EMPLOYEE_CUSTOM_FIELDS, input, actor, 'employee')),
      );
    },
    archiveEmployeeCustomField: (_parent, { input }, ctx) => {
      checkNamedCompany(ctx, input.companyId);
      return payload(runModuleMutation(ctx, 'archiveEmployeeCustomField', (trx, actor) => archiveCustomField(trx, EMPLOYEE_CUSTOM_FIELDS, input, actor)));
    },
  },
  Employee: {
    customFields: async (e, { includeArchived }, ctx) => valuesView(await ctx.customFields.readable(), e.custom_fields, includeArchived ?? false),
    customField: async (e, { key }, ctx) => valuesView(await ctx.customFields.readable(), e.custom_fields, true).find((v) => v.key === key) ?? null,
  },
};

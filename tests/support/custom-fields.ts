import type { Gql } from './company';

/** The operations the custom-field tests send, as a frontend would. */
export const CF = {
  definitionFields: `id key label description helpText type required position archived filterable searchable readPermission
    options { value label } validation { minLength maxLength min max pattern } defaultValue { text integer decimal date boolean options display }`,
  define: (entity: 'Employee' | 'Asset') => `mutation($input: DefineCustomFieldInput!) { define${entity}CustomField(input: $input) {
    definition { ${CF.definitionFields} } userErrors { field message code } } }`,
  update: (entity: 'Employee' | 'Asset') => `mutation($input: UpdateCustomFieldInput!) { update${entity}CustomField(input: $input) {
    definition { ${CF.definitionFields} } userErrors { field message code } } }`,
  archive: (entity: 'Employee' | 'Asset') => `mutation($input: ArchiveCustomFieldInput!) { archive${entity}CustomField(input: $input) {
    definition { key archived } userErrors { field message code } } }`,
  values: `customFields { key label type text integer decimal date boolean options employeeId display }`,
};

export interface DefinitionPayload {
  definition: { key: string; type: string; [field: string]: unknown } | null;
  userErrors: Array<{ field: string[] | null; message: string; code: string }>;
}

/** Defines a field through the gateway and insists it worked. */
export async function defineField(gql: Gql, entity: 'Employee' | 'Asset', input: Record<string, unknown>) {
  const res = await gql<Record<string, DefinitionPayload>>(CF.define(entity), { input });
  expect(res.errors).toBeUndefined();
  const payload = res.data![`define${entity}CustomField`]!;
  expect(payload.userErrors).toEqual([]);
  return payload.definition!;
}

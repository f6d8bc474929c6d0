import type { CustomFieldTables } from '../../kit/custom-fields/store';

/** Where employees' custom fields live (migrations/tenant/employees/20261223000000_custom_fields.ts). */
export const EMPLOYEE_CUSTOM_FIELDS: CustomFieldTables = { schema: 'employees', entityTable: 'employee' };

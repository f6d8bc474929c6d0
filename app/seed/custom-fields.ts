import type { Kysely } from 'kysely';
import { defineCustomField } from '../../subgraphs/kit/custom-fields/service';
import { listDefinitions } from '../../subgraphs/kit/custom-fields/store';
import type { CustomFieldValueInput } from '../../subgraphs/kit/custom-fields/types';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { EMPLOYEE_CUSTOM_FIELDS } from '../../subgraphs/employees/store/custom-fields';
import { SeedBatch, type BatchScope } from './batch';

/** The two custom fields of employees the demo shows: one to filter on, one with a default. */
const DEMO_FIELDS = [
  {
    key: 'shirt_size',
    label: 'Shirt size',
    type: 'SELECT',
    options: ['S', 'M', 'L', 'XL'].map((value) => ({ value })),
    filterable: true,
    helpText: 'For the company uniform',
  },
  { key: 'remote', label: 'Works remotely', type: 'BOOLEAN', defaultValue: { boolean: false }, filterable: true },
] as const;

/** Defines the demo's custom fields unless the company has them already (an appended seed). */
export async function ensureDemoCustomFields(db: Kysely<EmployeesDB>, scope: BatchScope): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = new Set((await listDefinitions(trx, EMPLOYEE_CUSTOM_FIELDS)).map((d) => d.key));
    const batch = new SeedBatch(trx, 'EMPLOYEES', `${scope.requestId}-custom-fields`);
    for (const field of DEMO_FIELDS) {
      if (existing.has(field.key)) continue;
      await batch.run('defineEmployeeCustomField', field.key, (t, actor) =>
        defineCustomField(t, EMPLOYEE_CUSTOM_FIELDS, { ...field, options: 'options' in field ? [...field.options] : [] }, actor),
      );
    }
  });
}

/** An employee's demo values, the same for the same e-mail whatever the run. */
export function demoCustomFields(email: string): CustomFieldValueInput[] {
  let hash = 0;
  for (const c of email) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return [
    { key: 'shirt_size', text: ['S', 'M', 'L', 'XL'][hash % 4]! },
    { key: 'remote', boolean: hash % 3 === 0 },
  ];
}

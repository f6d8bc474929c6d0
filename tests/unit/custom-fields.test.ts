import { convertValue, reshapesValues } from '../../subgraphs/kit/custom-fields/conversion';
import { applyChange, checkDefinition } from '../../subgraphs/kit/custom-fields/definition';
import { customConditions } from '../../subgraphs/kit/custom-fields/filter';
import type { CustomFieldDefinition } from '../../subgraphs/kit/custom-fields/types';
import { announcedValues, checkValues } from '../../subgraphs/kit/custom-fields/values';
import { valuesView } from '../../subgraphs/kit/custom-fields/view';
import { InputProblems } from '../../subgraphs/kit/validation';

const def = (over: Partial<CustomFieldDefinition>): CustomFieldDefinition => ({
  id: '00000000-0000-4000-8000-000000000001',
  key: 'field',
  label: 'Field',
  description: null,
  helpText: null,
  type: 'TEXT',
  required: false,
  defaultValue: null,
  options: [],
  validation: {},
  searchable: false,
  filterable: false,
  readPermission: null,
  position: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  archivedAt: null,
  ...over,
});
const options = (...values: string[]) => values.map((value) => ({ value, label: value.toUpperCase() }));
const everyone = () => true;

describe('checking values against definitions', () => {
  it('merges an update into the stored values, clears with an empty slot, and names only what changed', () => {
    const p = new InputProblems();
    const defs = [def({ key: 'a', type: 'INTEGER' }), def({ key: 'b' })];
    const checked = checkValues(defs, [{ key: 'a', integer: 2 }, { key: 'b' }], { a: 1, b: 'x' }, 'update', everyone, p);
    expect(p.list).toEqual([]);
    expect(checked).toEqual({ values: { a: 2 }, changed: ['a', 'b'], references: [] });
  });

  it('applies defaults and requires required fields on create, except hidden ones it cannot ask for', () => {
    const p = new InputProblems();
    const defs = [
      def({ key: 'd', type: 'BOOLEAN', defaultValue: true }),
      def({ key: 'r', required: true }),
      def({ key: 'h', required: true, readPermission: 'employees:sensitive.read' }),
    ];
    const checked = checkValues(defs, [], {}, 'create', (d) => d.readPermission === null, p);
    expect(checked.values).toEqual({ d: true });
    expect(p.list.map((e) => [e.field, e.code])).toEqual([[['input', 'customFields', 'r'], 'REQUIRED']]);
  });

  it('treats a hidden field as unknown to a writer who cannot read it', () => {
    const p = new InputProblems();
    checkValues([def({ key: 'h', readPermission: 'employees:sensitive.read' })], [{ key: 'h', text: 'x' }], {}, 'update', () => false, p);
    expect(p.list.map((e) => e.code)).toEqual(['CUSTOM_FIELD_UNKNOWN']);
  });

  it('keeps a multi-select in the options order and reports each type rule with its code', () => {
    const p = new InputProblems();
    const defs = [
      def({ key: 'm', type: 'MULTI_SELECT', options: options('a', 'b', 'c') }),
      def({ key: 'd', type: 'DECIMAL', validation: { max: '10.5' } }),
      def({ key: 't', validation: { minLength: 3 } }),
      def({ key: 'x', type: 'DATE', validation: { max: '2026-12-31' } }),
    ];
    const checked = checkValues(
      defs,
      [
        { key: 'm', options: ['c', 'a'] },
        { key: 'd', decimal: '10.50' },
      ],
      {},
      'update',
      everyone,
      p,
    );
    expect(checked.values).toEqual({ m: ['a', 'c'], d: '10.5' });
    checkValues(
      defs,
      [
        { key: 'd', decimal: '10.51' },
        { key: 't', text: 'ab' },
        { key: 'x', date: '2027-01-01' },
        { key: 'm', options: ['a', 'a'] },
      ],
      {},
      'update',
      everyone,
      p,
    );
    expect(p.list.map((e) => e.code)).toEqual(['OUT_OF_RANGE', 'TOO_SHORT', 'OUT_OF_RANGE', 'DUPLICATE_OPTION']);
  });

  it('announces only active fields without a read permission', () => {
    const defs = [def({ key: 'a' }), def({ key: 'h', readPermission: 'employees:sensitive.read' }), def({ key: 'old', archivedAt: new Date() })];
    expect(announcedValues(defs, { a: 'x', h: 'secret', old: 'y' })).toEqual({ a: 'x' });
  });
});

describe('checking definitions', () => {
  it('accepts a select with options and a default among them', () => {
    const checked = checkDefinition({
      key: 'size',
      label: 'Size',
      type: 'SELECT',
      options: [{ value: 'S' }, { value: 'M', label: 'Medium' }],
      defaultValue: { text: 'M' },
    });
    expect(checked).toEqual({
      ok: true,
      value: expect.objectContaining({
        options: [
          { value: 'S', label: 'S' },
          { value: 'M', label: 'Medium' },
        ],
        defaultValue: 'M',
      }),
    });
  });

  it('refuses a default outside the options, a catastrophic pattern and a write permission', () => {
    const codes = (input: Parameters<typeof checkDefinition>[0]) => {
      const checked = checkDefinition(input);
      return checked.ok ? [] : checked.userErrors.map((e) => e.code);
    };
    expect(codes({ key: 'size', label: 'Size', type: 'SELECT', options: [{ value: 'S' }], defaultValue: { text: 'XL' } })).toEqual(['INVALID_OPTION']);
    expect(codes({ key: 'code', label: 'Code', type: 'TEXT', validation: { pattern: '^(\\w+)*$' } })).toEqual(['INVALID_PATTERN']);
    expect(codes({ key: 'code', label: 'Code', type: 'TEXT', readPermission: 'employees:manage' })).toEqual(['INVALID_PERMISSION']);
    expect(codes({ key: '9lives', label: 'x', type: 'NUMBER' })).toEqual(['INVALID_KEY', 'INVALID_TYPE']);
  });

  it('drops options, search and rules that the new type does not have when only the type changes', () => {
    const current = def({ type: 'SELECT', options: options('1', '2'), filterable: true });
    const changed = checkDefinition(applyChange(current, { key: 'field', type: 'INTEGER', description: null }));
    expect(changed).toEqual({ ok: true, value: expect.objectContaining({ type: 'INTEGER', options: [], filterable: true, description: null }) });
    expect(checkDefinition(applyChange(def({ searchable: true }), { key: 'field', type: 'DATE' }))).toMatchObject({ ok: true, value: { searchable: false } });
  });
});

describe('converting values when a definition changes', () => {
  const text = def({ type: 'TEXT' });
  it('converts what is safe and blocks what is not', () => {
    expect(convertValue('42', text, def({ type: 'INTEGER' }))).toEqual({ ok: true, value: 42 });
    expect(convertValue('forty', text, def({ type: 'INTEGER' }))).toEqual({ ok: false });
    expect(convertValue(7, def({ type: 'INTEGER' }), def({ type: 'DECIMAL' }))).toEqual({ ok: true, value: '7' });
    expect(convertValue('7.50', def({ type: 'DECIMAL' }), def({ type: 'INTEGER' }))).toEqual({ ok: false });
    expect(convertValue('8.00', def({ type: 'DECIMAL' }), def({ type: 'INTEGER' }))).toEqual({ ok: true, value: 8 });
    expect(convertValue(true, def({ type: 'BOOLEAN' }), text)).toEqual({ ok: true, value: 'true' });
    expect(convertValue('2026-02-30', text, def({ type: 'DATE' }))).toEqual({ ok: false });
    expect(convertValue('a', def({ type: 'SELECT', options: options('a') }), def({ type: 'MULTI_SELECT', options: options('a') }))).toEqual({
      ok: true,
      value: ['a'],
    });
    expect(convertValue(['a', 'b'], def({ type: 'MULTI_SELECT', options: options('a', 'b') }), def({ type: 'SELECT', options: options('a', 'b') }))).toEqual({
      ok: false,
    });
    expect(convertValue('x'.repeat(501), def({ type: 'LONG_TEXT' }), text)).toEqual({ ok: false });
    expect(convertValue('00000000-0000-4000-8000-000000000001', text, def({ type: 'EMPLOYEE_REFERENCE' }))).toEqual({ ok: false });
  });

  it('blocks removing an option in use, and a relabelling touches no value', () => {
    const before = def({ type: 'SELECT', options: options('a', 'b') });
    expect(convertValue('b', before, def({ type: 'SELECT', options: options('a') }))).toEqual({ ok: false });
    expect(
      reshapesValues(
        before,
        def({
          type: 'SELECT',
          options: [
            { value: 'a', label: 'Alpha' },
            { value: 'b', label: 'Beta' },
          ],
        }),
      ),
    ).toBe(false);
  });
});

describe('filters and views', () => {
  const defs = [def({ key: 'n', type: 'INTEGER', filterable: true }), def({ key: 'free' }), def({ key: 'old', filterable: true, archivedAt: new Date() })];
  it('reads filter values in the field type and refuses what the index cannot serve, coded', () => {
    expect(customConditions([{ key: 'n', gte: '5', in: ['1', '2'] }], defs)).toEqual([{ definition: defs[0], gte: 5, in: [1, 2] }]);
    for (const bad of [[{ key: 'n', eq: '1.5' }], [{ key: 'free', eq: 'x' }], [{ key: 'old', eq: 'x' }], [{ key: 'n' }], [{ key: 'n', in: [] }]]) {
      expect(() => customConditions(bad, defs)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    }
  });

  it('shows values in the definitions order, archived ones only on request', () => {
    const views = valuesView([def({ key: 'b', type: 'BOOLEAN' }), def({ key: 'old', archivedAt: new Date() })], { old: 'x', b: false }, false);
    expect(views).toEqual([expect.objectContaining({ key: 'b', boolean: false, text: null, display: 'No', archived: false })]);
  });
});

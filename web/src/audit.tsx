/**
 * An audit log with filters and keyset pages ("Show older"), for the
 * operator's platform log and a company's own log alike.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ApiError } from './api';
import { asApiError } from './session';
import { ErrorNotice, Loading, Table, formatDate, moduleLabel } from './ui';

export interface AuditFilter {
  actor: string | null;
  action: string | null;
  entity: string | null;
  from: string | null;
  to: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  module?: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  actorEmail: string | null;
  actorKind?: string | null;
  credential: string | null;
  keyId: string | null;
  clientAddress: string | null;
  before: string | null;
  after: string | null;
}

export interface AuditPage {
  rows: AuditRow[];
  endCursor: string | null;
  hasNextPage: boolean;
}

const EMPTY: AuditFilter = { actor: null, action: null, entity: null, from: null, to: null };
const PAGE = 50;

export function AuditLog({ title, load }: { title: string; load: (filter: AuditFilter, first: number, after: string | null) => Promise<AuditPage> }) {
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const [draft, setDraft] = useState({ actor: '', action: '', entity: '', from: '', to: '' });
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const fetchPage = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setFailure(null);
      try {
        const page = await load(filter, PAGE, after);
        setRows((earlier) => (after ? [...earlier, ...page.rows] : page.rows));
        setNext(page.hasNextPage ? page.endCursor : null);
      } catch (error) {
        setFailure(asApiError(error));
      } finally {
        setLoading(false);
      }
    },
    [filter, load],
  );
  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const blank = (v: string) => v.trim() || null;
    // Dates from the form are whole days in the reader's time zone: from the start of `from` to the end of `to`.
    const day = (v: string, end: boolean) => (v ? new Date(`${v}T00:00:00`).getTime() + (end ? 86_400_000 : 0) : null);
    const from = day(draft.from, false);
    const to = day(draft.to, true);
    setFilter({
      actor: blank(draft.actor),
      action: blank(draft.action),
      entity: blank(draft.entity),
      from: from === null ? null : new Date(from).toISOString(),
      to: to === null ? null : new Date(to).toISOString(),
    });
  }

  const field = (name: keyof typeof draft, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`audit-${name}`}>{label}</label>
      <input id={`audit-${name}`} type={type} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
    </div>
  );

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{title}</h1>
      <form onSubmit={apply} className="inline-form" role="search" aria-label="Filter the audit log">
        {field('actor', 'Who (e-mail, user or key id)')}
        {field('action', 'Action')}
        {field('entity', 'Entity')}
        {field('from', 'From', 'date')}
        {field('to', 'To', 'date')}
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      {failure && <ErrorNotice error={failure} onRetry={() => void fetchPage(null)} />}
      <Table
        caption="Entries, newest first"
        head={['When', 'Who', 'Action', 'Entity', 'Change']}
        empty={loading ? '' : 'No entries match.'}
        rows={rows.map((r) => [
          formatDate(r.at),
          <span key="who">
            {r.actorEmail ?? r.actorKind?.toLowerCase() ?? (r.keyId ? `key ${r.keyId.slice(0, 8)}` : '—')}
            {r.credential ? <small className="muted"> via {r.credential.toLowerCase().replace('_', ' ')}</small> : null}
          </span>,
          <span key="action">
            <code>{r.action}</code>
            {r.module ? ` · ${moduleLabel(r.module)}` : ''}
          </span>,
          `${r.entity}${r.entityId ? ` ${r.entityId}` : ''}`,
          <Change key="change" before={r.before} after={r.after} />,
        ])}
      />
      {loading && <Loading what="entries" />}
      {next && !loading && (
        <button type="button" onClick={() => void fetchPage(next)}>
          Show older
        </button>
      )}
    </section>
  );
}

function Change({ before, after }: { before: string | null; after: string | null }) {
  if (!before && !after) return null;
  return (
    <details>
      <summary>Details</summary>
      {before && (
        <>
          <strong>Before</strong>
          <pre>{pretty(before)}</pre>
        </>
      )}
      {after && (
        <>
          <strong>After</strong>
          <pre>{pretty(after)}</pre>
        </>
      )}
    </details>
  );
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

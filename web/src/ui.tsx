/**
 * The few building blocks every page uses: the shell with its navigation, a
 * labelled field, a notice for the API's errors, a loading line, a table and
 * a bar chart. Plain HTML elements, so keyboard and screen readers work as the
 * browser makes them work.
 */
import { useId, type ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { fieldError, plainWords, type ApiError, type UserError } from './api';
import type { Action, Loaded } from './session';

export interface NavItem {
  to: string;
  label: string;
}

export function Shell({ product, nav, account, children }: { product: string; nav: NavItem[]; account?: ReactNode; children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="shell__bar">
        <span className="shell__product">
          <span aria-hidden="true" className="logo">
            ◆
          </span>{' '}
          Fluxo · {product}
        </span>
        {nav.length > 0 && (
          <nav aria-label={product} className="shell__nav">
            {nav.map((item) => (
              <NavLink key={item.to} to={item.to} end>
                {item.label}
              </NavLink>
            ))}
          </nav>
        )}
        {account && <div className="shell__account">{account}</div>}
      </header>
      <main id="main" className="shell__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** A form control with its label, hint and the userError aimed at it. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  error?: UserError;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {plainWords(error.code, error.message)}
        </p>
      )}
    </div>
  );
}

/** userErrors not aimed at a field of the form, in plain words with their codes. */
export function FormErrors({ errors, fields = [] }: { errors: readonly UserError[] | undefined; fields?: string[] }) {
  const rest = (errors ?? []).filter((e) => !fields.some((f) => fieldError([e], f)));
  if (rest.length === 0) return null;
  return (
    <div role="alert" className="notice notice--error">
      <ul>
        {rest.map((e, i) => (
          <li key={i}>
            {plainWords(e.code, e.message)} <code>{e.code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What a form's last action answered: its userErrors not aimed at `fields`, or why the call failed. */
export function ActionErrors({ action, fields }: { action: Pick<Action, 'errors' | 'failure'>; fields?: string[] }) {
  return (
    <>
      <FormErrors errors={action.errors} fields={fields} />
      {action.failure && <ErrorNotice error={action.failure} />}
    </>
  );
}

export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div role="alert" className="notice notice--error">
      <p>
        {plainWords(error.code, error.message)} <code>{error.code}</code>
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="loading">
      Loading {what}…
    </p>
  );
}

/** Loading, error or the content of a query, in that order. */
export function Async<T>({ state, what, children }: { state: Loaded<T>; what: string; children: (data: T) => ReactNode }) {
  if (state.error) return <ErrorNotice error={state.error} onRetry={state.reload} />;
  if (state.loading || !state.data) return <Loading what={what} />;
  return <>{children(state.data)}</>;
}

export function Table({ caption, head, rows, empty }: { caption: string; head: string[]; rows: ReactNode[][]; empty: string }) {
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            <tr key={i}>
              {cells.map((cell, j) => (
                <td key={j} data-label={head[j]}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A horizontal bar chart of a few named figures, with the figures written out for those who do not see the bars. */
export function BarChart({ title, bars }: { title: string; bars: Array<{ label: string; value: number; text: string }> }) {
  const max = Math.max(1, ...bars.map((b) => Math.abs(b.value)));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <dl>
        {bars.map((b) => (
          <div key={b.label} className="chart__row">
            <dt>{b.label}</dt>
            <dd>
              <span className="chart__bar" style={{ width: `${(Math.abs(b.value) / max) * 100}%` }} aria-hidden="true" />
              <span className="chart__value">{b.text}</span>
            </dd>
          </div>
        ))}
      </dl>
    </figure>
  );
}

export function Figure({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="figure" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function formatMoney(money: { amount: string; currency: string } | null | undefined): string {
  if (!money) return '—';
  // Decimal strings as the API sends them, grouped for reading; never through a float.
  const [whole = '0', fraction] = money.amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${money.amount.startsWith('-') ? '−' : ''}${grouped}${fraction ? `.${fraction}` : ''} ${money.currency}`;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** The link that accepts an invitation: its token rides in the fragment, which the browser never sends to a server. */
export function invitationLink(token: string): string {
  return `${window.location.origin}/console/accept#${encodeURIComponent(token)}`;
}

export const MODULE_LABELS: Record<string, string> = { ASSETS: 'Assets', EMPLOYEES: 'Employees', FINANCE: 'Finance', PAYROLL: 'Payroll' };

export function moduleLabel(module: string): string {
  return MODULE_LABELS[module] ?? module;
}

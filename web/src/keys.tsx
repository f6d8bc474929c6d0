/**
 * Access keys of one company: listed, issued with a scope (modules,
 * permissions, read-only) and revoked. The company console and the operator
 * console both use it; a new key's secret is shown once, here, and never again.
 */
import { useState, type FormEvent } from 'react';
import { fieldError, type Data } from './api';
import { useAction, useQuery, useSession } from './session';
import { ActionErrors, Async, Field, Table, formatDate, moduleLabel } from './ui';

type Key = NonNullable<Data<'WebCompanyKeys'>['company']>['accessKeys'][number];
type ModuleName = Key['modules'][number];

export function KeysPage({
  companyId,
  grantable,
  permissions,
}: {
  companyId: string;
  grantable: readonly ModuleName[];
  permissions: readonly string[] | null;
}) {
  const keys = useQuery('WebCompanyKeys', { id: companyId });
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">Access keys</h1>
      <p className="lead">Keys let your systems call Fluxo. Give each system its own key with only the modules and permissions it needs.</p>
      <IssueKey companyId={companyId} grantable={grantable} held={permissions} onIssued={keys.reload} />
      <Async state={keys} what="keys">
        {(data) => <KeyList keys={data.company?.accessKeys ?? []} onRevoked={keys.reload} />}
      </Async>
    </section>
  );
}

function KeyList({ keys, onRevoked }: { keys: readonly Key[]; onRevoked: () => void }) {
  const { call } = useSession();
  const action = useAction();
  async function revoke(key: Key) {
    if (!window.confirm(`Revoke “${key.name}”? Systems using it stop working within a second.`)) return;
    if (await action.run(async () => (await call('WebRevokeAccessKey', { input: { accessKeyId: key.id } })).revokeAccessKey)) onRevoked();
  }
  return (
    <>
      <ActionErrors action={action} />
      <Table
        caption="Keys"
        head={['Name', 'Kind', 'Modules', 'Scope', 'Prefix', 'Last used', 'State', '']}
        empty="No keys yet."
        rows={keys.map((k) => [
          k.name,
          k.owner ? `Personal (${k.owner.email})` : k.kind.toLowerCase(),
          k.modules.map(moduleLabel).join(', '),
          k.permissions ? `${k.permissions.length} permissions${k.readOnly ? ', read-only' : ''}` : k.readOnly ? 'read-only' : 'everything in its modules',
          <code key="prefix">{k.prefix}</code>,
          formatDate(k.lastUsedAt),
          k.revokedAt ? `revoked ${formatDate(k.revokedAt)}` : 'active',
          k.revokedAt ? null : (
            <button type="button" key="revoke" className="danger" onClick={() => void revoke(k)} aria-label={`Revoke ${k.name}`}>
              Revoke
            </button>
          ),
        ])}
      />
    </>
  );
}

function IssueKey({
  companyId,
  grantable,
  held,
  onIssued,
}: {
  companyId: string;
  grantable: readonly ModuleName[];
  held: readonly string[] | null;
  onIssued: () => void;
}) {
  const { call } = useSession();
  const catalogue = useQuery('WebPermissions', {});
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'STANDARD' | 'PARTNER'>('STANDARD');
  const [modules, setModules] = useState<ModuleName[]>([]);
  const [readOnly, setReadOnly] = useState(false);
  const [scoped, setScoped] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const action = useAction();
  const errors = action.errors;
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);

  const choosable = (catalogue.data?.permissions ?? []).filter(
    (p) => p.module && modules.includes(p.module) && (!held || held.includes(p.name)) && (!readOnly || p.access === 'READ'),
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSecret(null);
    const permissions = scoped ? chosen.filter((p) => choosable.some((c) => c.name === p)) : null;
    const payload = await action.run(
      async () => (await call('WebIssueAccessKey', { input: { companyId, name, kind, modules, readOnly, permissions } })).issueAccessKey,
    );
    if (payload?.secret) {
      setSecret({ name, value: payload.secret });
      setName('');
      onIssued();
    }
  }

  return (
    <section className="panel" aria-labelledby="issue-key-title">
      <h2 id="issue-key-title">Issue a key</h2>
      {secret && (
        <div role="alert" className="notice notice--ok" data-testid="new-key-secret">
          <p>
            The secret of <strong>{secret.name}</strong>. Copy it now: it is shown only once.
          </p>
          <input aria-label="New key secret" readOnly value={secret.value} onFocus={(e) => e.target.select()} className="secret" />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.value)}>
            Copy
          </button>
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <Field label="Name" hint="What uses the key, e.g. “Warehouse scanner”." error={fieldError(errors, 'name')}>
          {(props) => <input {...props} name="keyName" value={name} onChange={(e) => setName(e.target.value)} required />}
        </Field>
        <Field label="Kind" error={fieldError(errors, 'kind')}>
          {(props) => (
            <select {...props} value={kind} onChange={(e) => setKind(e.target.value as 'STANDARD' | 'PARTNER')}>
              <option value="STANDARD">Standard: any operation of its modules</option>
              <option value="PARTNER">Partner: only published (persisted) operations</option>
            </select>
          )}
        </Field>
        <fieldset>
          <legend>Modules</legend>
          {grantable.map((m) => (
            <label key={m} className="check">
              <input
                type="checkbox"
                checked={modules.includes(m)}
                onChange={(e) => setModules(e.target.checked ? [...modules, m] : modules.filter((x) => x !== m))}
              />
              {moduleLabel(m)}
            </label>
          ))}
          {fieldError(errors, 'modules') && <p className="field__error">{fieldError(errors, 'modules')?.message}</p>}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
          Read-only
        </label>
        <label className="check">
          <input type="checkbox" checked={scoped} onChange={(e) => setScoped(e.target.checked)} />
          Only some permissions
        </label>
        {scoped && (
          <fieldset>
            <legend>Permissions</legend>
            {choosable.length === 0 && <p className="empty">Choose modules first.</p>}
            {choosable.map((p) => (
              <label key={p.name} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(p.name)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, p.name] : chosen.filter((x) => x !== p.name))}
                />
                <code>{p.name}</code> {p.description}
              </label>
            ))}
          </fieldset>
        )}
        <ActionErrors action={action} fields={['name', 'kind', 'modules']} />
        <button type="submit" className="primary" disabled={action.busy}>
          {action.busy ? 'Issuing…' : 'Issue key'}
        </button>
      </form>
    </section>
  );
}

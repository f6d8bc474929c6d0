/**
 * The operator console: subscription requests to approve or reject,
 * companies with their tenant, modules and keys; the operations pages are in
 * operations.tsx.
 */
import { useState, type FormEvent } from 'react';
import { Link, Navigate, Route, Routes, useParams } from 'react-router-dom';
import { fieldError, type Data, type UserError } from './api';
import { KeysPage } from './keys';
import { DeadLetters, ModuleStatus, PlatformAudit } from './operations';
import { SessionProvider, useAction, useQuery, useSession } from './session';
import { SignIn } from './sign-in';
import { ActionErrors, Async, Field, Shell, Table, formatDate, invitationLink, moduleLabel } from './ui';

type Request = Data<'WebSubscriptionRequests'>['subscriptionRequests']['edges'][number]['node'];
type Status = Request['status'];
type ModuleName = Request['modules'][number];

const NAV = [
  { to: '/admin', label: 'Requests' },
  { to: '/admin/companies', label: 'Companies' },
  { to: '/admin/dead-letters', label: 'Dead letters' },
  { to: '/admin/audit', label: 'Audit log' },
  { to: '/admin/modules', label: 'Modules' },
];

export function Admin() {
  return (
    <SessionProvider area="admin">
      <OperatorConsole />
    </SessionProvider>
  );
}

function OperatorConsole() {
  const { session, signOut } = useSession();
  if (!session)
    return (
      <Shell product="Operator console" nav={[]}>
        <SignIn area="admin" title="Operator sign-in" intro="For the Fluxo operator's accounts." />
      </Shell>
    );
  const account = (
    <>
      <span className="shell__who">{session.email}</span>
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
    </>
  );
  return (
    <Shell product="Operator console" nav={NAV} account={account}>
      <Routes>
        <Route index element={<Requests />} />
        <Route path="companies" element={<Companies />} />
        <Route path="companies/:id" element={<CompanyPage />} />
        <Route path="dead-letters" element={<DeadLetters />} />
        <Route path="audit" element={<PlatformAudit />} />
        <Route path="modules" element={<ModuleStatus />} />
        <Route path="*" element={<Navigate to="/admin" replace />} />
      </Routes>
    </Shell>
  );
}

function Requests() {
  const [status, setStatus] = useState<Status | ''>('PENDING');
  const requests = useQuery('WebSubscriptionRequests', { status: status || null, first: 100 });
  return (
    <section aria-labelledby="requests-title">
      <div className="page-head">
        <h1 id="requests-title">Subscription requests</h1>
        <label>
          Show{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="PENDING">Pending</option>
            <option value="APPROVED">Approved</option>
            <option value="REJECTED">Rejected</option>
            <option value="">All</option>
          </select>
        </label>
      </div>
      <Async state={requests} what="requests">
        {(data) =>
          data.subscriptionRequests.edges.length === 0 ? (
            <p className="empty">No {status.toLowerCase()} requests.</p>
          ) : (
            <ul className="cards cards--list">
              {data.subscriptionRequests.edges.map(({ node }) => (
                <li key={node.id}>
                  <RequestCard request={node} onDecided={requests.reload} />
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}

function RequestCard({ request, onDecided }: { request: Request; onDecided: () => void }) {
  const { call } = useSession();
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const action = useAction();
  const { busy, errors } = action;
  const [handOver, setHandOver] = useState<string | null>(null);

  async function decide(work: () => Promise<{ userErrors: readonly UserError[]; handOver?: string | null }>) {
    const result = await action.run(work);
    if (result?.handOver) setHandOver(result.handOver);
    else if (result?.userErrors.length === 0) onDecided();
  }
  const approve = () =>
    decide(async () => {
      const { approveSubscriptionRequest: p } = await call('WebApproveSubscriptionRequest', { input: { requestId: request.id } });
      // Without a mail server the invitation could not be sent: the operator hands the link over.
      const handOver = p.ownerInvitationToken ? invitationLink(p.ownerInvitationToken) : null;
      return { userErrors: p.userErrors, handOver };
    });
  const reject = (event: FormEvent) => {
    event.preventDefault();
    return decide(async () => (await call('WebRejectSubscriptionRequest', { input: { requestId: request.id, reason } })).rejectSubscriptionRequest);
  };

  const label = `${request.companyName} (${request.contactEmail})`;
  return (
    <article className="card" aria-label={label}>
      <h2>{request.companyName}</h2>
      <dl className="facts">
        <dt>Contact</dt>
        <dd>{request.contactEmail}</dd>
        <dt>Plan</dt>
        <dd>{request.planCode ?? '—'}</dd>
        <dt>Modules</dt>
        <dd>{request.modules.map(moduleLabel).join(', ')}</dd>
        <dt>Asked</dt>
        <dd>{formatDate(request.createdAt)}</dd>
        <dt>Status</dt>
        <dd>
          {request.status.toLowerCase()}
          {request.rejectionReason ? `: ${request.rejectionReason}` : ''}
          {request.company ? (
            <>
              {' '}
              · <Link to={`/admin/companies/${request.company.id}`}>{request.company.slug}</Link>
            </>
          ) : null}
        </dd>
      </dl>
      {handOver && (
        <div role="status" className="notice notice--ok">
          <p>Approved. No mail server is set, so hand this one-time link to {request.contactEmail} yourself:</p>
          <input aria-label="Owner invitation link" readOnly className="secret" value={handOver} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={onDecided}>
            Done
          </button>
        </div>
      )}
      <ActionErrors action={action} fields={['reason']} />
      {request.status === 'PENDING' && !handOver && (
        <div className="actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void approve()} aria-label={`Approve ${request.companyName}`}>
            Approve
          </button>
          {!rejecting ? (
            <button type="button" disabled={busy} onClick={() => setRejecting(true)} aria-label={`Reject ${request.companyName}`}>
              Reject…
            </button>
          ) : (
            <form onSubmit={(e) => void reject(e)} className="inline-form">
              <Field label="Reason for rejecting" error={fieldError(errors, 'reason')}>
                {(props) => <input {...props} value={reason} onChange={(e) => setReason(e.target.value)} />}
              </Field>
              <button type="submit" className="danger" disabled={busy}>
                Reject
              </button>
            </form>
          )}
        </div>
      )}
    </article>
  );
}

function Companies() {
  const companies = useQuery('WebCompanies', { first: 100 });
  return (
    <section aria-labelledby="companies-title">
      <h1 id="companies-title">Companies</h1>
      <Async state={companies} what="companies">
        {(data) => (
          <Table
            caption={`${data.companies.totalCount} companies`}
            head={['Company', 'Slug', 'Modules', 'Since']}
            empty="No companies yet."
            rows={data.companies.edges.map(({ node }) => [
              <Link key="name" to={`/admin/companies/${node.id}`}>
                {node.name}
              </Link>,
              <code key="slug">{node.slug}</code>,
              node.modules.map(moduleLabel).join(', '),
              formatDate(node.createdAt),
            ])}
          />
        )}
      </Async>
    </section>
  );
}

function CompanyPage() {
  const { id = '' } = useParams();
  const state = useQuery('WebCompany', { id });
  return (
    <Async state={state} what="the company">
      {({ company }) =>
        !company ? (
          <p className="empty">No such company.</p>
        ) : (
          <>
            <section aria-labelledby="company-title">
              <h1 id="company-title">{company.name}</h1>
              <dl className="facts">
                <dt>Slug</dt>
                <dd>
                  <code>{company.slug}</code>
                </dd>
                <dt>Since</dt>
                <dd>{formatDate(company.createdAt)}</dd>
                <dt>Console origins</dt>
                <dd>{company.corsOrigins.length ? company.corsOrigins.join(', ') : 'none'}</dd>
                {company.tenant && (
                  <>
                    <dt>Tenant database</dt>
                    <dd>
                      <code>{company.tenant.databaseName}</code> on shard <code>{company.tenant.shard}</code> · {company.tenant.status.toLowerCase()}
                      {company.tenant.lastError ? ` · last error: ${company.tenant.lastError}` : ''}
                    </dd>
                    <dt>Schema versions</dt>
                    <dd>
                      <ul className="plain" data-testid="schema-versions">
                        {company.tenant.schemaVersions.map((v) => (
                          <li key={v.owner}>
                            {v.owner}: <code>{v.version ?? 'none'}</code>
                          </li>
                        ))}
                      </ul>
                    </dd>
                  </>
                )}
              </dl>
              <Modules companyId={company.id} modules={company.modules} onChanged={state.reload} />
            </section>
            <KeysPage companyId={company.id} grantable={company.modules} permissions={null} />
          </>
        )
      }
    </Async>
  );
}

function Modules({ companyId, modules, onChanged }: { companyId: string; modules: readonly ModuleName[]; onChanged: () => void }) {
  const { call } = useSession();
  // Every module some plan offers: the platform's catalogue as the public API shows it.
  const plans = useQuery('WebPlans', {});
  const offered = [...new Set((plans.data?.plans ?? []).flatMap((p) => p.modules))].sort();
  const missing = offered.filter((m) => !modules.includes(m));
  const action = useAction();
  const { busy } = action;
  async function change(work: () => Promise<{ userErrors: readonly UserError[] }>) {
    if ((await action.run(work))?.userErrors.length === 0) onChanged();
  }
  const add = (module: ModuleName) => change(async () => (await call('WebAddCompanyModules', { input: { companyId, modules: [module] } })).addCompanyModules);
  const remove = (module: ModuleName) =>
    window.confirm(`Remove ${moduleLabel(module)}? Keys and people lose it within a second; its data is kept and comes back if the module is added again.`) &&
    change(async () => (await call('WebRemoveCompanyModules', { input: { companyId, modules: [module] } })).removeCompanyModules);
  return (
    <section className="panel" aria-labelledby="modules-title">
      <h2 id="modules-title">Modules</h2>
      <ul className="chips">
        {modules.map((m) => (
          <li key={m}>
            {moduleLabel(m)}{' '}
            <button
              type="button"
              className="link danger"
              disabled={busy || modules.length === 1}
              onClick={() => void remove(m)}
              aria-label={`Remove ${moduleLabel(m)}`}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {missing.map((m) => (
        <button key={m} type="button" disabled={busy} onClick={() => void add(m)}>
          Add {moduleLabel(m)}
        </button>
      ))}
      <ActionErrors action={action} />
    </section>
  );
}

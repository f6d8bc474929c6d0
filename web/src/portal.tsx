/**
 * The public portal: choose a plan and modules, ask for a subscription, then
 * follow the request's status with the link shown once.
 */
import { useState, type FormEvent } from 'react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { fieldError, send, type Data } from './api';
import { SessionProvider, useAction, useQuery } from './session';
import { ActionErrors, Async, Field, Shell, formatDate, formatMoney, moduleLabel } from './ui';

type Plan = Data<'WebPlans'>['plans'][number];
type Created = NonNullable<Data<'WebRequestSubscription'>['requestSubscription']['request']> & { statusToken: string | null };

export function Portal() {
  return (
    // Nobody signs in here; the provider only carries the anonymous calls.
    <SessionProvider area="portal">
      <Shell product="Portal" nav={[{ to: '/portal', label: 'Subscribe' }]}>
        <Routes>
          <Route index element={<RequestForm />} />
          <Route path="status" element={<RequestStatus />} />
          <Route path="*" element={<RequestForm />} />
        </Routes>
      </Shell>
    </SessionProvider>
  );
}

function RequestForm() {
  const plans = useQuery('WebPlans', {});
  return (
    <section aria-labelledby="request-title">
      <h1 id="request-title">Subscribe your company to Fluxo</h1>
      <p className="lead">
        Choose a plan and the modules you need. The Fluxo team reviews each request; once it is approved you receive an e-mail to set up your company’s first
        account.
      </p>
      <Async state={plans} what="plans">
        {(data) => <RequestSubscription plans={data.plans} />}
      </Async>
    </section>
  );
}

function RequestSubscription({ plans }: { plans: readonly Plan[] }) {
  const [planCode, setPlanCode] = useState(plans[0]?.code ?? '');
  const plan = plans.find((p) => p.code === planCode);
  const [modules, setModules] = useState<string[]>(plan ? [...plan.modules] : []);
  const [companyName, setCompanyName] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const action = useAction();
  const errors = action.errors;
  const [created, setCreated] = useState<Created | null>(null);

  function choosePlan(code: string) {
    setPlanCode(code);
    setModules([...(plans.find((p) => p.code === code)?.modules ?? [])]);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const payload = await action.run(
      async () =>
        (
          await send('WebRequestSubscription', {
            input: { companyName, contactEmail, planCode: planCode || null, modules: modules as Plan['modules'] },
          })
        ).requestSubscription,
    );
    if (payload?.request) setCreated({ ...payload.request, statusToken: payload.statusToken });
  }

  if (created) return <Requested request={created} />;
  return (
    <form onSubmit={submit} noValidate aria-describedby="request-title">
      <fieldset>
        <legend>Plan</legend>
        <div className="cards">
          {plans.map((p) => (
            <label key={p.code} className={p.code === planCode ? 'card card--chosen' : 'card'}>
              <input type="radio" name="plan" value={p.code} checked={p.code === planCode} onChange={() => choosePlan(p.code)} />
              <strong>{p.name}</strong>
              <span className="card__price">{formatMoney(p.monthlyPrice)} / month</span>
              <span>{p.description}</span>
              <span className="card__modules">{p.modules.map(moduleLabel).join(' · ')}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset aria-describedby={fieldError(errors, 'modules') ? 'modules-error' : undefined}>
        <legend>Modules</legend>
        {(plan?.modules ?? []).map((m) => (
          <label key={m} className="check">
            <input
              type="checkbox"
              checked={modules.includes(m)}
              onChange={(e) => setModules(e.target.checked ? [...modules, m] : modules.filter((x) => x !== m))}
            />
            {moduleLabel(m)}
          </label>
        ))}
        {fieldError(errors, 'modules') && (
          <p className="field__error" id="modules-error">
            {fieldError(errors, 'modules')?.message}
          </p>
        )}
      </fieldset>
      <Field label="Company name" error={fieldError(errors, 'companyName')}>
        {(props) => (
          <input {...props} name="companyName" autoComplete="organization" value={companyName} onChange={(e) => setCompanyName(e.target.value)} required />
        )}
      </Field>
      <Field label="Contact e-mail" hint="The invitation to set up your company is sent here." error={fieldError(errors, 'contactEmail')}>
        {(props) => (
          <input
            {...props}
            type="email"
            name="contactEmail"
            autoComplete="email"
            value={contactEmail}
            onChange={(e) => setContactEmail(e.target.value)}
            required
          />
        )}
      </Field>
      <ActionErrors action={action} fields={['companyName', 'contactEmail', 'modules']} />
      <button type="submit" className="primary" disabled={action.busy}>
        {action.busy ? 'Sending…' : 'Request subscription'}
      </button>
    </form>
  );
}

/** The status page's link: the token rides in the fragment, which the browser never sends to a server or in a Referer. */
function statusLink(token: string): string {
  return `${window.location.origin}/portal/status#${encodeURIComponent(token)}`;
}

function Requested({ request }: { request: Created }) {
  return (
    <div role="status" className="notice notice--ok" data-testid="request-created">
      <h2>Request received</h2>
      <p>
        We have your request for <strong>{request.companyName}</strong> ({request.modules.map(moduleLabel).join(', ')}).
      </p>
      {request.statusToken && (
        <>
          <p>Keep this link to follow your request; it is shown only now and is the only way to see its status:</p>
          <p>
            <a href={statusLink(request.statusToken)} data-testid="status-link">
              {statusLink(request.statusToken)}
            </a>
          </p>
        </>
      )}
      <p>Once the request is approved you will receive an e-mail to set up your company’s first account.</p>
    </div>
  );
}

const STATUS_WORDS: Record<string, string> = {
  PENDING: 'Waiting for review',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
};

function RequestStatus() {
  // From the router, so that following another status link re-reads it.
  const token = decodeURIComponent(useLocation().hash.replace(/^#/, ''));
  const status = useQuery('WebRequestStatus', { token }, token.length > 0);
  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">Your subscription request</h1>
      {!token ? (
        <p role="alert" className="notice notice--error">
          This page needs the status link you were given when you made the request.
        </p>
      ) : (
        <Async state={status} what="the request">
          {({ subscriptionRequestStatus: request }) =>
            !request ? (
              <p role="alert" className="notice notice--error">
                No request has this link. Check that you copied all of it.
              </p>
            ) : (
              <dl className="facts" data-testid="request-status">
                <dt>Company</dt>
                <dd>{request.companyName}</dd>
                <dt>Modules</dt>
                <dd>{request.modules.map(moduleLabel).join(', ')}</dd>
                <dt>Asked</dt>
                <dd>{formatDate(request.createdAt)}</dd>
                <dt>Status</dt>
                <dd data-testid="request-status-value">{STATUS_WORDS[request.status] ?? request.status}</dd>
                {request.decidedAt && (
                  <>
                    <dt>Decided</dt>
                    <dd>{formatDate(request.decidedAt)}</dd>
                  </>
                )}
                {request.rejectionReason && (
                  <>
                    <dt>Reason</dt>
                    <dd>{request.rejectionReason}</dd>
                  </>
                )}
                {request.company && (
                  <>
                    <dt>Next step</dt>
                    <dd>Your company {request.company.name} is ready: follow the link in the e-mail sent to you to set up your account.</dd>
                  </>
                )}
              </dl>
            )
          }
        </Async>
      )}
    </section>
  );
}

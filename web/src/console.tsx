/**
 * The company console: the overview, people and their roles, access keys,
 * and accepting an invitation. Every page shows what the signed-in person's
 * permissions allow; the API refuses the rest anyway.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { fieldError, send, type Data } from './api';
import { AuditLog, type AuditFilter, type AuditPage } from './audit';
import { KeysPage } from './keys';
import { OverviewPage } from './overview';
import { PeoplePage } from './people';
import { ProviderCallback } from './provider-sign-in';
import { SessionProvider, useAction, useQuery, useSession } from './session';
import { SignIn, sessionFrom } from './sign-in';
import { ActionErrors, Async, Field, Shell } from './ui';

export type Me = Data<'WebMe'>['me'];

export function Console() {
  return (
    <SessionProvider area="console">
      <Routes>
        <Route path="accept" element={<AcceptInvitation />} />
        <Route path="sign-in/callback" element={<ProviderCallback />} />
        <Route path="*" element={<SignedInConsole />} />
      </Routes>
    </SessionProvider>
  );
}

/** The pages, each shown in the navigation to those whose permission it needs (the API refuses the rest anyway). */
const NAV: Array<{ to: string; label: string; needs?: string }> = [
  { to: '/console', label: 'Overview' },
  { to: '/console/people', label: 'People', needs: 'company:read' },
  { to: '/console/keys', label: 'Access keys', needs: 'company:keys.manage' },
  { to: '/console/audit', label: 'Audit log', needs: 'company:audit.read' },
];

function SignedInConsole() {
  const { session } = useSession();
  if (!session)
    return (
      <Shell product="Company console" nav={[]}>
        <SignIn area="console" title="Sign in to your company" intro="Use the e-mail and password of your Fluxo account." />
      </Shell>
    );
  return <WithMe />;
}

function WithMe() {
  const { session, signOut } = useSession();
  const me = useQuery('WebMe', {});
  const held = me.data?.me.permissions ?? [];
  const account = (
    <>
      <span className="shell__who">
        {session?.email}
        {session?.companyName ? ` · ${session.companyName}` : ''}
      </span>
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
    </>
  );
  return (
    <Shell product="Company console" nav={NAV.filter((item) => !item.needs || held.includes(item.needs))} account={account}>
      <Async state={me} what="your company">
        {({ me }) => (
          <Routes>
            <Route index element={<OverviewPage />} />
            <Route path="people" element={<PeoplePage me={me} />} />
            <Route path="keys" element={<KeysPage companyId={me.company.id} grantable={me.modules} permissions={me.permissions} />} />
            <Route path="audit" element={<CompanyAudit companyId={me.company.id} />} />
            <Route path="*" element={<Navigate to="/console" replace />} />
          </Routes>
        )}
      </Async>
    </Shell>
  );
}

/** /console/accept#<token>: the invitation's token stays in the fragment, which the browser never sends to a server. */
function AcceptInvitation() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const token = decodeURIComponent(useLocation().hash.replace(/^#(token=)?/, ''));
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = action.errors;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const payload = await action.run(
      async () => (await send('WebAcceptInvitation', { input: { token, password, displayName: displayName || null } })).acceptInvitation,
    );
    const session = payload && sessionFrom(payload, '');
    if (session) {
      signIn(session);
      navigate('/console', { replace: true });
    }
  }

  return (
    <Shell product="Company console" nav={[]}>
      <section className="narrow" aria-labelledby="accept-title">
        <h1 id="accept-title">Set up your account</h1>
        {!token ? (
          <p className="notice notice--error" role="alert">
            This page needs the link from your invitation e-mail.
          </p>
        ) : (
          <form onSubmit={submit} noValidate>
            <p className="lead">Choose the password you will sign in with. If you already have a Fluxo account, enter its password.</p>
            <Field label="Your name" error={fieldError(errors, 'displayName')}>
              {(props) => <input {...props} name="displayName" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />}
            </Field>
            <Field label="Password" hint="At least 12 characters." error={fieldError(errors, 'password')}>
              {(props) => (
                <input
                  {...props}
                  type="password"
                  name="password"
                  autoComplete="new-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  required
                />
              )}
            </Field>
            <ActionErrors action={action} fields={['displayName', 'password']} />
            <button type="submit" className="primary" disabled={action.busy}>
              {action.busy ? 'Setting up…' : 'Set up my account'}
            </button>
          </form>
        )}
      </section>
    </Shell>
  );
}

function CompanyAudit({ companyId }: { companyId: string }) {
  const { call } = useSession();
  const load = useCallback(
    async (filter: AuditFilter, first: number, after: string | null): Promise<AuditPage> => {
      const { auditLog } = await call('WebAuditLog', { companyId, filter, first, after });
      return { rows: auditLog.edges.map((e) => e.node), endCursor: auditLog.pageInfo.endCursor ?? null, hasNextPage: auditLog.pageInfo.hasNextPage };
    },
    [call, companyId],
  );
  return <AuditLog title="Audit log" load={load} />;
}

/** Signing in with e-mail and password, for the operator console and the company console alike (which also offers the company's own provider). */
import { useState, type FormEvent } from 'react';
import { fieldError, send, type ApiError, type Data } from './api';
import { ProviderSignIn } from './provider-sign-in';
import { asApiError, useAction, useSession, type Area, type Session } from './session';
import { ActionErrors, ErrorNotice, Field } from './ui';

type SignedIn = Data<'WebSignIn'>['signIn'];

/** The session to keep from a sign-in, an invitation's acceptance or a refresh; null when it did not sign in. */
export function sessionFrom(payload: Pick<SignedIn, 'accessToken' | 'refreshToken' | 'session'>, email: string): Session | null {
  if (!payload.accessToken || !payload.refreshToken) return null;
  const company = payload.session?.company ?? null;
  return {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    email: payload.session?.user.email ?? email,
    companyId: company?.id ?? null,
    companyName: company?.name ?? null,
  };
}

export function SignIn({ area, title, intro }: { area: Area; title: string; intro: string }) {
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = action.errors;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const payload = await action.run(async () => (await send('WebSignIn', { input: { email, password } })).signIn);
    const session = payload && sessionFrom(payload, email);
    if (!session) return;
    if (area === 'admin' && !payload?.session?.user.isOperator) {
      // Not kept: end the session it opened, and say where this person belongs.
      await send('WebSignOut', {}, session.accessToken).catch(() => undefined);
      action.setErrors([{ field: null, code: 'FORBIDDEN', message: 'This account is not an operator. Use your company’s console at /console.' }]);
    } else signIn(session);
  }

  return (
    <section className="narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{title}</h1>
      <p className="lead">{intro}</p>
      <form onSubmit={submit} noValidate>
        <Field label="E-mail" error={fieldError(errors, 'email')}>
          {(props) => <input {...props} type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label="Password" error={fieldError(errors, 'password')}>
          {(props) => (
            <input
              {...props}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <ActionErrors action={action} fields={['email', 'password']} />
        <button type="submit" className="primary" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {area === 'admin' && <OperatorToken />}
      {area === 'console' && <ProviderSignIn />}
    </section>
  );
}

/**
 * The bootstrap: before any operator account exists, the operator's admin
 * token (printed by `npm start`, kept in .data/secrets/admin-token) opens the
 * console. It is checked against the API before it is kept for the tab.
 */
function OperatorToken() {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<ApiError | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    try {
      await send('WebSubscriptionRequests', { first: 1 }, token.trim());
      signIn({ accessToken: token.trim(), refreshToken: '', email: 'operator token', companyId: null, companyName: null });
    } catch (error) {
      setFailure(asApiError(error));
    }
  }
  return (
    <details className="panel">
      <summary>Use the operator token instead</summary>
      <form onSubmit={submit} noValidate>
        <Field label="Operator token" hint="From .data/secrets/admin-token, or FLUXO_ADMIN_TOKEN. Create operator accounts with createOperator and use those.">
          {(props) => <input {...props} type="password" name="adminToken" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />}
        </Field>
        {failure && <ErrorNotice error={failure} />}
        <button type="submit" className="primary">
          Open the console
        </button>
      </form>
    </details>
  );
}

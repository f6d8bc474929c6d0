/**
 * Signing in to the company console through the company's own OpenID Connect
 * provider: the browser is sent there for an ID token (implicit flow, ID token
 * only, with state and nonce), which comes back in the fragment of
 * /console/sign-in/callback and is exchanged for a Fluxo session. The pages may
 * only connect to Fluxo, so Fluxo reads the provider's endpoint for them.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { send, type ApiError, type UserError } from './api';
import { asApiError, useSession } from './session';
import { sessionFrom } from './sign-in';
import { ErrorNotice, Field, FormErrors, Shell } from './ui';

/** The sign-in this tab started, until the provider sends the browser back: checked once, then dropped. */
const PENDING_KEY = 'fluxo.console.provider-sign-in';
const CALLBACK_PATH = '/console/sign-in/callback';

interface PendingSignIn {
  state: string;
  nonce: string;
  company: string;
}

/** 256 random bits, base64url: unguessable, and safe in a URL as it is. */
function randomValue(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function authorizationUrl(endpoint: string, provider: { clientId: string; scopes: readonly string[] }, pending: PendingSignIn): string {
  const url = new URL(endpoint);
  const params = {
    response_type: 'id_token',
    response_mode: 'fragment',
    client_id: provider.clientId,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    scope: provider.scopes.join(' '),
    state: pending.state,
    nonce: pending.nonce,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export function ProviderSignIn() {
  const [company, setCompany] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    setFailure(null);
    try {
      const handle = company.trim().toLowerCase();
      const { signInOptions } = await send('WebSignInOptions', { company: handle });
      const provider = signInOptions.identityProvider;
      if (!provider) {
        setNotice('This company does not sign in through its own identity provider. Use your e-mail and password instead.');
      } else if (!provider.authorizationEndpoint) {
        setNotice('Your company’s identity provider cannot be reached right now. Try again later, or use your e-mail and password.');
      } else {
        const pending = { state: randomValue(), nonce: randomValue(), company: handle };
        window.sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
        window.location.assign(authorizationUrl(provider.authorizationEndpoint, provider, pending));
        return;
      }
    } catch (error) {
      setFailure(asApiError(error));
    }
    setBusy(false);
  }

  return (
    <section className="panel" aria-labelledby="provider-sign-in-title">
      <h2 id="provider-sign-in-title">Sign in with your company&apos;s identity provider</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Company (its Fluxo handle, e.g. acme)">
          {(props) => <input {...props} name="company" autoComplete="organization" value={company} onChange={(e) => setCompany(e.target.value)} required />}
        </Field>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {failure && <ErrorNotice error={failure} />}
        <button type="submit" disabled={busy || company.trim() === ''}>
          {busy ? 'Opening your identity provider…' : 'Continue with your identity provider'}
        </button>
      </form>
    </section>
  );
}

function takePending(): PendingSignIn | null {
  const raw = window.sessionStorage.getItem(PENDING_KEY);
  window.sessionStorage.removeItem(PENDING_KEY);
  try {
    return raw ? (JSON.parse(raw) as PendingSignIn) : null;
  } catch {
    return null;
  }
}

/** /console/sign-in/callback#id_token=…&state=… (or #error=…): where the provider sends the browser back. */
export function ProviderCallback() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const hash = useLocation().hash;
  const started = useRef(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [errors, setErrors] = useState<readonly UserError[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const answer = new URLSearchParams(hash.replace(/^#/, ''));
    // The ID token leaves the address bar and the history at once.
    window.history.replaceState(null, '', CALLBACK_PATH);
    const pending = takePending();
    const idToken = answer.get('id_token');
    if (answer.get('error')) {
      setProblem(`Your identity provider did not sign you in: ${answer.get('error_description') ?? answer.get('error')}.`);
    } else if (!pending || answer.get('state') !== pending.state || !idToken) {
      setProblem('This sign-in was not started on this page, or it was already used. Start again.');
    } else {
      send('WebSignInWithIdentityProvider', { input: { idToken, nonce: pending.nonce } })
        .then(({ signInWithIdentityProvider: payload }) => {
          setErrors(payload.userErrors);
          const session = sessionFrom(payload, '');
          if (!session) return;
          signIn(session);
          navigate('/console', { replace: true });
        })
        .catch((error: unknown) => setFailure(asApiError(error)));
    }
  }, [hash, navigate, signIn]);

  const failed = problem !== null || errors.length > 0 || failure !== null;
  return (
    <Shell product="Company console" nav={[]}>
      <section className="narrow" aria-labelledby="callback-title">
        <h1 id="callback-title">{failed ? 'You are not signed in' : 'Signing you in…'}</h1>
        {problem && (
          <p className="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        <FormErrors errors={errors} />
        {failure && <ErrorNotice error={failure} />}
        {failed && <a href="/console">Back to sign-in</a>}
      </section>
    </Shell>
  );
}

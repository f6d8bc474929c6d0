/**
 * A signed-in person's tokens, kept in sessionStorage per console (a tab's
 * sign-in ends with the tab), and the calls made with them. An expired access
 * token is refreshed once with the refresh token and the call retried; a
 * refresh that fails signs the person out.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, send, type Data, type UserError, type Variables } from './api';
import type { WebOperationName } from './generated/persisted';

export type Area = 'portal' | 'admin' | 'console';

export interface Session {
  accessToken: string;
  refreshToken: string;
  email: string;
  companyId: string | null;
  companyName: string | null;
}

interface SessionState {
  session: Session | null;
  signIn: (session: Session) => void;
  signOut: () => Promise<void>;
  call: <N extends WebOperationName>(name: N, variables: Variables<N>) => Promise<Data<N>>;
}

const SessionContext = createContext<SessionState | null>(null);

const EXPIRED = new Set(['TOKEN_EXPIRED', 'UNAUTHENTICATED']);

function storageKey(area: Area): string {
  return `fluxo.${area}.session`;
}

function load(area: Area): Session | null {
  try {
    const raw = window.sessionStorage.getItem(storageKey(area));
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ area, children }: { area: Area; children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => load(area));
  // The latest tokens for calls in flight, which may outlive a render.
  const current = useRef(session);
  const refreshing = useRef<Promise<Session | null> | null>(null);

  const store = useCallback(
    (next: Session | null) => {
      current.current = next;
      setSession(next);
      if (next) window.sessionStorage.setItem(storageKey(area), JSON.stringify(next));
      else window.sessionStorage.removeItem(storageKey(area));
    },
    [area],
  );

  /** One refresh for every call that found the token expired at the same time. */
  const refresh = useCallback((): Promise<Session | null> => {
    const stale = current.current;
    // The operator token has nothing to refresh with.
    if (!stale?.refreshToken) return Promise.resolve(null);
    refreshing.current ??= send('WebRefreshSession', { input: { refreshToken: stale.refreshToken } })
      .then(({ refreshSession }) => {
        if (!refreshSession.accessToken || !refreshSession.refreshToken) return null;
        return { ...stale, accessToken: refreshSession.accessToken, refreshToken: refreshSession.refreshToken };
      })
      .catch(() => null)
      .then((next) => {
        store(next);
        refreshing.current = null;
        return next;
      });
    return refreshing.current;
  }, [store]);

  const call = useCallback(
    async <N extends WebOperationName>(name: N, variables: Variables<N>): Promise<Data<N>> => {
      const token = current.current?.accessToken;
      try {
        return await send(name, variables, token);
      } catch (error) {
        if (!(error instanceof ApiError) || !token || !EXPIRED.has(error.code)) throw error;
        const renewed = await refresh();
        if (!renewed) throw new ApiError('UNAUTHENTICATED', 'Your session has ended. Sign in again.', 401);
        return send(name, variables, renewed.accessToken);
      }
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    const token = current.current?.refreshToken ? current.current.accessToken : null;
    store(null);
    // Ends the session on the server too; a failure leaves only a token that expires in minutes.
    if (token) await send('WebSignOut', {}, token).catch(() => undefined);
  }, [store]);

  const value = useMemo(() => ({ session, signIn: store, signOut, call }), [session, store, signOut, call]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a query with the session's credential when `variables` change (compared as JSON). */
export function useQuery<N extends WebOperationName>(name: N, variables: Variables<N>, enabled = true): Loaded<Data<N>> {
  const { call } = useSession();
  const key = JSON.stringify(variables);
  // Each answer remembers the variables it is for, so a page never shows one request's answer as another's.
  const [state, setState] = useState<{ key: string | null; data: Data<N> | null; error: ApiError | null }>({ key: null, data: null, error: null });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => ({ ...s, key: null }));
    call(name, JSON.parse(key) as Variables<N>).then(
      (data) => live && setState({ key, data, error: null }),
      (error: unknown) => live && setState({ key, data: null, error: asApiError(error) }),
    );
    return () => {
      live = false;
    };
  }, [call, name, key, enabled, generation]);
  const current = state.key === key;
  return {
    data: current ? state.data : null,
    error: current ? state.error : null,
    loading: enabled && !current,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
  };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('ERROR', error instanceof Error ? error.message : String(error), 0);
}

export interface Action {
  busy: boolean;
  /** The userErrors of the last payload. */
  errors: readonly UserError[];
  /** Why the last call failed as a whole. */
  failure: ApiError | null;
  /**
   * Runs a mutation: busy while it runs, its payload's userErrors kept for the
   * form, a refused call kept as the failure. Answers the payload, or null
   * when the call failed.
   */
  run: <T extends { userErrors: readonly UserError[] }>(work: () => Promise<T>) => Promise<T | null>;
  /** Shows errors the page found itself, in the same place. */
  setErrors: (errors: readonly UserError[]) => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<readonly UserError[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const run = useCallback(async <T extends { userErrors: readonly UserError[] }>(work: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setFailure(null);
    try {
      const payload = await work();
      setErrors(payload.userErrors);
      return payload;
    } catch (error) {
      setFailure(asApiError(error));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, errors, failure, run, setErrors };
}

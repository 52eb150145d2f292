import type { OperatorSessionResponseDto } from '@order-saga/contracts/http/operator';
import { useEffect, useRef, useState } from 'preact/hooks';
import { OperatorApi, OperatorApiError } from '../api/operator-api';

/** The sign-in: a username and a password; the gateway answers with the session cookie and the CSRF token. */
export function SignInPage({
  api,
  notice,
  onSignedIn,
}: {
  api: OperatorApi;
  notice: string | null;
  onSignedIn: (session: OperatorSessionResponseDto) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · order-saga console';
    first.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(username.trim(), password));
    } catch (failure) {
      setPassword('');
      if (failure instanceof OperatorApiError && failure.code === 'INVALID_CREDENTIALS') setError('Unknown username or wrong password.');
      else if (failure instanceof OperatorApiError && failure.code === 'RATE_LIMIT_EXCEEDED') setError('Too many attempts: wait a minute, then try again.');
      else setError(failure instanceof Error ? failure.message : String(failure));
      setSending(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <form class="card sign-in-card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Operator console</h1>
        <p class="muted">Sign in with your operator account (not an API client).</p>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <label for="username">Username</label>
        <input
          id="username"
          ref={first}
          name="username"
          autocomplete="username"
          required
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        {error ? (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button-primary" disabled={sending}>
          {sending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

import type { OperatorSessionResponseDto } from '@order-saga/contracts/http/operator';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { OperatorApi } from './api/operator-api';
import { ConsoleContext } from './components/console-context';
import { ErrorNotice } from './components/error-notice';
import { PageHeading } from './components/page-heading';
import { AttentionPage } from './pages/attention-page';
import { AuditPage } from './pages/audit-page';
import { DeadLettersPage } from './pages/dead-letters-page';
import { OverviewPage } from './pages/overview-page';
import { SagaPage } from './pages/saga-page';
import { SagasPage } from './pages/sagas-page';
import { SignInPage } from './pages/sign-in-page';
import { WebhooksPage } from './pages/webhooks-page';
import { hrefOf, NAVIGATION } from './routing/routes';
import { Link, Location, navigate, useLocation } from './routing/router';

type SessionState = { status: 'checking' } | { status: 'signed-out'; notice: string | null } | { status: 'signed-in'; session: OperatorSessionResponseDto };

/**
 * The console: reads the session first (a reload keeps the cookie but not the CSRF token, which GET /session
 * gives again), shows the sign-in without one, otherwise the page of the URL inside the signed-in layout. An
 * operator route answering OPERATOR_SESSION_REQUIRED (idle timeout, signed out elsewhere) brings the sign-in
 * back, and the same URL opens once signed in again.
 */
export function App() {
  const api = useMemo(() => new OperatorApi(), []);
  const location = useLocation();
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const [checkError, setCheckError] = useState<unknown>(null);

  useEffect(() => {
    api.onSessionEnded = () => setState({ status: 'signed-out', notice: 'Your session ended. Sign in again to go on.' });
    api.currentSession().then(
      (session) => setState(session ? { status: 'signed-in', session } : { status: 'signed-out', notice: null }),
      (error: unknown) => setCheckError(error),
    );
  }, [api]);

  useEffect(() => {
    if (state.status === 'signed-in' && location.route.page === 'sign-in') navigate(hrefOf('/'), { replace: true });
  }, [state.status, location.route.page]);

  if (checkError) {
    return (
      <main class="sign-in" id="main">
        <ErrorNotice error={checkError} onRetry={() => window.location.reload()} />
      </main>
    );
  }
  if (state.status === 'checking') return <p class="loading-screen">Loading…</p>;
  if (state.status === 'signed-out') return <SignInPage api={api} notice={state.notice} onSignedIn={(session) => setState({ status: 'signed-in', session })} />;

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    setState({ status: 'signed-out', notice: 'Signed out.' });
  };
  return (
    <ConsoleContext.Provider value={{ api, session: state.session }}>
      <a class="skip-link" href="#main">
        Skip to the content
      </a>
      <header class="top-bar">
        <Link class="brand" href={hrefOf('/')}>
          order-saga <span>operator console</span>
        </Link>
        <nav aria-label="Console">
          <ul class="nav">
            {NAVIGATION.map((item) => (
              <li key={item.path}>
                <Link href={hrefOf(item.path)} aria-current={item.pages.includes(location.route.page) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={state.session.operator.username}>{state.session.operator.display_name}</span>
          <button type="button" class="button button-small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" class="content">
        <Page location={location} />
      </main>
    </ConsoleContext.Provider>
  );
}

function Page({ location }: { location: Location }) {
  const { route, query } = location;
  switch (route.page) {
    case 'overview':
    case 'sign-in':
      return <OverviewPage />;
    case 'sagas':
      return <SagasPage query={query} />;
    case 'saga':
      return <SagaPage key={route.orderId} orderId={route.orderId} />;
    case 'attention':
      return <AttentionPage query={query} />;
    case 'dead-letters':
      return <DeadLettersPage query={query} />;
    case 'webhooks':
      return <WebhooksPage query={query} />;
    case 'audit':
      return <AuditPage query={query} />;
    default:
      return (
        <>
          <PageHeading title="Not found" />
          <p>
            The console has no page here. <Link href={hrefOf('/')}>Go to the overview</Link>
          </p>
        </>
      );
  }
}

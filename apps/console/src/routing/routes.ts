/** Where the gateway serves the console (vite `base`); every route below is under it. */
export const CONSOLE_BASE = '/console';

export type Route =
  | { page: 'overview' }
  | { page: 'sagas' }
  | { page: 'saga'; orderId: string }
  | { page: 'attention' }
  | { page: 'dead-letters' }
  | { page: 'webhooks' }
  | { page: 'audit' }
  | { page: 'sign-in' }
  | { page: 'not-found' };

/** The console's pages by path; a new page is a row here, a link in NAVIGATION and a page module. */
const ROUTES: { pattern: RegExp; route: (match: RegExpExecArray) => Route }[] = [
  { pattern: /^\/?$/, route: () => ({ page: 'overview' }) },
  { pattern: /^\/sagas\/?$/, route: () => ({ page: 'sagas' }) },
  { pattern: /^\/sagas\/([^/]+)\/?$/, route: (match) => ({ page: 'saga', orderId: decodeURIComponent(match[1]) }) },
  { pattern: /^\/attention\/?$/, route: () => ({ page: 'attention' }) },
  { pattern: /^\/dead-letters\/?$/, route: () => ({ page: 'dead-letters' }) },
  { pattern: /^\/webhooks\/?$/, route: () => ({ page: 'webhooks' }) },
  { pattern: /^\/audit\/?$/, route: () => ({ page: 'audit' }) },
  { pattern: /^\/sign-in\/?$/, route: () => ({ page: 'sign-in' }) },
];

/** The menu, in order; `path` is below CONSOLE_BASE. */
export const NAVIGATION: { label: string; path: string; pages: Route['page'][] }[] = [
  { label: 'Overview', path: '/', pages: ['overview'] },
  { label: 'Sagas', path: '/sagas', pages: ['sagas', 'saga'] },
  { label: 'Stuck & failed', path: '/attention', pages: ['attention'] },
  { label: 'Dead letters', path: '/dead-letters', pages: ['dead-letters'] },
  { label: 'Webhooks', path: '/webhooks', pages: ['webhooks'] },
  { label: 'Audit log', path: '/audit', pages: ['audit'] },
];

/** The route of a location's pathname (with or without the console's base). */
export function routeOf(pathname: string): Route {
  const path = pathname.startsWith(CONSOLE_BASE) ? pathname.slice(CONSOLE_BASE.length) : pathname;
  for (const { pattern, route } of ROUTES) {
    const match = pattern.exec(path);
    if (match) return route(match);
  }
  return { page: 'not-found' };
}

/** The href of a console path (`/sagas/ORD-1` → `/console/sagas/ORD-1`), with its query. */
export function hrefOf(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, value);
  const search = params.toString();
  return `${CONSOLE_BASE}${path === '/' ? '/' : path}${search ? `?${search}` : ''}`;
}

export function sagaHref(orderId: string): string {
  return hrefOf(`/sagas/${encodeURIComponent(orderId)}`);
}

import type { IncomingMessage } from 'node:http';

export type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string };

/** Probes and scrapes: counted in the RED metrics, but a span per probe would bury the traces. */
export const UNTRACED_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** The matched route template (`/api/v1/orders/:id`), or `unmatched` for a 404 outside every route. */
export function routeOf(request: RoutedRequest): string {
  const path = request.route?.path;
  if (typeof path === 'string') return `${request.baseUrl ?? ''}${path}`;
  return 'unmatched';
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/** Where the operator console is served; its build (apps/console, vite `base`) names its assets below this path. */
export const CONSOLE_PATH = '/console';

/**
 * The console's pages run nothing but the console's own files and talk to nothing but this origin: a script
 * injected into a page could not load more code, post elsewhere or frame it. Inline styles are not needed
 * (Preact sets styles through the CSSOM, which style-src does not govern).
 */
const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(response: Response): void {
  response.setHeader('Content-Security-Policy', CONSOLE_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
}

export interface ConsoleAssets {
  /** The folder `npx nx run console:build` writes (index.html, assets/). */
  directory: string;
  /** Whether index.html is there: without it /console/ answers 404 saying how to build it. */
  built: boolean;
  router: RequestHandler;
}

/**
 * The operator console's static files at /console/, from the same origin as the API, so its fetches carry the
 * operator session cookie and need no CORS. Files under assets/ carry a content hash in their names and are
 * cached for a year; index.html is revalidated every time, so a new build is picked up at the next load. Any
 * other path below /console/ without a file extension is one of the console's own routes (/console/sagas/ORD-1):
 * it gets index.html and the console routes in the browser.
 */
export function consoleAssets(directory: string): ConsoleAssets {
  const root = resolve(directory);
  const index = join(root, 'index.html');
  const built = existsSync(index);
  const router = Router();
  // Relative asset URLs and the console's routes are below /console/: the bare path moves there.
  router.use((request: Request, response: Response, next: NextFunction) => {
    if (request.path !== CONSOLE_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    const query = request.originalUrl.slice(CONSOLE_PATH.length);
    response.redirect(308, `${CONSOLE_PATH}/${query.startsWith('?') ? query : ''}`);
  });
  router.use(
    CONSOLE_PATH,
    express.static(root, {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (response: Response, path: string) => {
        securityHeaders(response);
        const immutable = path.startsWith(join(root, 'assets') + '/');
        response.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  router.get(`${CONSOLE_PATH}/{*route}`, (request: Request, response: Response, next: NextFunction) => {
    const last = request.path.split('/').pop() ?? '';
    // A missing asset (a stale hashed name) is a 404 from the API's handler, not the console's page.
    if (last.includes('.')) return next();
    securityHeaders(response);
    response.setHeader('Cache-Control', 'no-cache');
    if (!built) {
      response.status(404).type('text/plain').send('The operator console is not built: run `npx nx run console:build` (npm start does), then reload.\n');
      return;
    }
    response.sendFile(index);
  });
  return { directory: root, built, router };
}

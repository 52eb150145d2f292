import { defineConfig } from 'vite';

// `vite build apps/console` (nx run console:build): the console's files for the gateway to serve at /console/.
// `vite apps/console` (nx run console:serve): a dev server whose /api calls go to a running gateway, so the
// session cookie and the CSRF token work as they do behind the gateway (same origin, no CORS).
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../../dist/apps/console',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: no source maps shipped, nothing inlined that the Content-Security-Policy would refuse.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    port: Number(process.env.CONSOLE_DEV_PORT ?? 4200),
    proxy: { '/api': { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000' } },
  },
});

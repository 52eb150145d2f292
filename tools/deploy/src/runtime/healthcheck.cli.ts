import { request } from 'node:http';

/**
 * The image's HEALTHCHECK. The slim Node image has no curl or wget, and Node is there anyway.
 * Healthy means the server answered below 500: /health/live answers 200, /health/ready 503 while the
 * service cannot work, and the demo webhook receiver, which has no health route, 401 to any GET.
 *
 * usage: node dist/tools/deploy/src/runtime/healthcheck.cli.js [path]   (default /health/live; port from PORT)
 */
const path = process.argv[2] ?? '/health/live';
const port = Number(process.env.PORT ?? 8080);

const probe = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 2500 }, (response) => {
  response.resume();
  process.exit((response.statusCode ?? 599) < 500 ? 0 : 1);
});
probe.on('timeout', () => probe.destroy(new Error('timed out')));
probe.on('error', (error) => {
  process.stderr.write(`healthcheck ${path} on port ${port}: ${error.message}\n`);
  process.exit(1);
});
probe.end();

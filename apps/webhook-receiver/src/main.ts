import { createServer } from 'node:http';
import { verifyWebhook } from '@order-saga/webhooks';
import pino from 'pino';

/**
 * A demo subscriber for local runs: verifies each webhook over the raw body with the receiver helper
 * (signature and 5-minute timestamp window) before parsing it, and logs the event as one JSON line. It is
 * what a client's endpoint would do, in a few lines.
 */
const logger = pino({ base: { service: 'webhook-receiver' }, messageKey: 'message' });
// Comma-separated: during a secret rotation both the old and the new secret are accepted.
const secrets = (process.env.WEBHOOK_SECRET ?? '').split(',').filter(Boolean);
const port = Number(process.env.PORT ?? 3005);
// Loopback by default (a laptop demo); a container sets HOST=0.0.0.0 so notification-service can reach it.
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer((request, response) => {
  if (request.method !== 'POST') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('webhook receiver: POST signed webhooks here\n');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const result = verifyWebhook({ body, headers: request.headers, secrets });
    if (!result.valid) {
      logger.warn({ reason: result.reason, webhook_id: request.headers['webhook-id'] ?? request.headers['x-webhook-id'] }, 'webhook rejected');
      response.writeHead(401).end();
      return;
    }
    let event: unknown = null;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      // A verified body that is not JSON is logged as null; the sender is ours, so this would be a bug there.
    }
    logger.info({ scheme: result.scheme, webhook_id: result.webhookId, event }, 'webhook received');
    response.writeHead(204).end();
  });
});

server.listen(port, host, () => logger.info({ host, port, secrets: secrets.length }, 'webhook receiver listening'));
process.on('SIGTERM', () => server.close());
process.on('SIGINT', () => server.close());

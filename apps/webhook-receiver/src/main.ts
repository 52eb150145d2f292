import { createServer } from 'node:http';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '@order-saga/contracts';
import pino from 'pino';

/**
 * A demo subscriber for local runs: accepts webhooks, checks their signature over the raw body and
 * logs each event as one JSON line. It is what a client's endpoint would do, in a few lines.
 */
const logger = pino({ base: { service: 'webhook-receiver' }, messageKey: 'message' });
const secret = process.env.WEBHOOK_SECRET ?? '';
const port = Number(process.env.PORT ?? 3005);

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const signature = request.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string | undefined;
    const valid = verifyWebhookSignature(secret, body, signature);
    let event: unknown = null;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      // logged below as an invalid body
    }
    logger.info({ signature_valid: valid, event }, valid ? 'webhook received' : 'webhook with a bad signature rejected');
    response.writeHead(valid ? 204 : 401).end();
  });
});

server.listen(port, '127.0.0.1', () => logger.info({ port }, 'webhook receiver listening'));
process.on('SIGTERM', () => server.close());
process.on('SIGINT', () => server.close());

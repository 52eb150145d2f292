import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addKey } from '../oauth/signing-keys/signing-keys';

/** A request a stub service received, body read whole. */
export interface ReceivedRequest {
  /** The service a named stub stands in for (startNamedStubService). */
  service?: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers with a JSON body. */
export type ReplyWithJson = (status: number, payload: unknown, headers?: Record<string, string>) => void;

export type StubAnswer = (request: ReceivedRequest, reply: ReplyWithJson, raw: { req: IncomingMessage; res: ServerResponse }) => void;

/**
 * An HTTP server on a free loopback port standing in for a service behind the gateway, for the gateway's
 * specs: it keeps every request in `received` (in arrival order) and lets `answer` reply to it.
 */
export function startStubService(received: ReceivedRequest[], answer: StubAnswer): Promise<Server> {
  return serve(received, answer);
}

/** startStubService for one of several stubs that share `received`: each request it keeps is marked with `service`. */
export function startNamedStubService(service: string, received: ReceivedRequest[], answer: StubAnswer): Promise<Server> {
  return serve(received, answer, service);
}

function serve(received: ReceivedRequest[], answer: StubAnswer, service?: string): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { ...(service !== undefined ? { service } : {}), method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(request);
      const reply: ReplyWithJson = (status, payload, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
      };
      answer(request, reply, { req, res });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A fresh JWT signing-key file (one key, `keyId`) in a temporary folder, for a gateway started by a spec. */
export async function writeSigningKeyFile(keyId: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), `gateway-${keyId}-`)), 'keys.json');
  writeFileSync(path, JSON.stringify(await addKey(undefined, keyId)));
  return path;
}

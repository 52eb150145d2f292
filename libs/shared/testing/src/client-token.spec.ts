import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { OrderSagaAuthError } from '@order-saga/sdk';
import { clientCredentialsToken } from './client-token';

/** A stand-in token endpoint: answers each form it receives with `answer(form)`. */
async function tokenEndpoint(
  answer: (form: URLSearchParams, response: ServerResponse) => void,
): Promise<{ url: string; forms: URLSearchParams[]; server: Server }> {
  const forms: URLSearchParams[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      forms.push(form);
      if (request.url !== '/oauth/token') response.writeHead(404).end();
      else answer(form, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, forms, server };
}

const json = (response: ServerResponse, status: number, body: object) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('clientCredentialsToken', () => {
  let endpoint: Awaited<ReturnType<typeof tokenEndpoint>> | undefined;

  afterEach(async () => {
    endpoint?.server.closeAllConnections();
    await new Promise((resolve) => endpoint?.server.close(resolve));
    endpoint = undefined;
  });

  it("asks the gateway's token endpoint with the client's credentials and scope, and returns the access token", async () => {
    endpoint = await tokenEndpoint((form, response) => json(response, 200, { access_token: `token-of-${form.get('client_id')}`, expires_in: 3600 }));

    const token = await clientCredentialsToken(endpoint.url, { id: 'shop', secret: 's3cret' }, { scope: 'read write' });

    expect(token).toBe('token-of-shop');
    expect(Object.fromEntries(endpoint.forms[0])).toEqual({
      grant_type: 'client_credentials',
      client_id: 'shop',
      client_secret: 's3cret',
      scope: 'read write',
    });
  });

  it("throws the SDK's auth error, naming the OAuth error, when the gateway refuses the client", async () => {
    endpoint = await tokenEndpoint((_form, response) => json(response, 401, { error: 'invalid_client', error_description: 'Client authentication failed' }));

    const refused = clientCredentialsToken(endpoint.url, { id: 'shop', secret: 'wrong' });

    await expect(refused).rejects.toBeInstanceOf(OrderSagaAuthError);
    await expect(refused).rejects.toThrow(/401 invalid_client/);
  });

  it('gives up after timeoutMs when the gateway never answers', async () => {
    endpoint = await tokenEndpoint(() => undefined);
    const startedAt = Date.now();

    await expect(clientCredentialsToken(endpoint.url, { id: 'shop', secret: 's3cret' }, { timeoutMs: 200 })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });
});

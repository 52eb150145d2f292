import { OrderSagaClient, OrderSagaNetworkError } from '@order-saga/sdk';
import { answerOf } from './api-answer';

/** An SDK client whose gateway answers every API call with `answer` (one attempt, no waiting). */
function clientAnswering(answer: () => Response): OrderSagaClient {
  const fetch = async (input: string | URL | Request) =>
    String(input).endsWith('/oauth/token') ? Response.json({ access_token: 't', token_type: 'Bearer', expires_in: 3600 }) : answer();
  return new OrderSagaClient({ baseUrl: 'http://api.test', clientId: 'c', clientSecret: 's', fetch, retry: { maxAttempts: 1 } });
}

describe('answerOf', () => {
  it('reads a success as its status, headers and body', async () => {
    const sdk = clientAnswering(() => Response.json({ order_id: 'ORD-1' }, { status: 201, headers: { location: '/api/v1/orders/ORD-1' } }));

    const answer = await answerOf(sdk.send('POST', '/api/v1/orders', { body: {} }));

    expect([answer.status, answer.body, answer.headers.get('location')]).toEqual([201, { order_id: 'ORD-1' }, '/api/v1/orders/ORD-1']);
  });

  it('reads an error answer the SDK throws as an answer, with its body and headers', async () => {
    const refusal = { error_code: 'FORBIDDEN', message: 'needs write', request_id: 'r', timestamp: 't' };
    const sdk = clientAnswering(() => Response.json(refusal, { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } }));

    const answer = await answerOf(sdk.send('PUT', '/api/v1/products/SKU-1', { body: {} }));

    expect([answer.status, answer.body, answer.headers.get('www-authenticate')]).toEqual([403, refusal, 'Bearer error="insufficient_scope"']);
  });

  it('throws on when no answer came', async () => {
    const sdk = clientAnswering(() => {
      throw new TypeError('fetch failed');
    });

    await expect(answerOf(sdk.send('GET', '/api/v1/orders'))).rejects.toBeInstanceOf(OrderSagaNetworkError);
  });
});

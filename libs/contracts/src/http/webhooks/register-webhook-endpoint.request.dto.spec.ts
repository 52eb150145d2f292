import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RegisterWebhookEndpointRequestDto } from './register-webhook-endpoint.request.dto';

function invalidFields(body: object): string[] {
  return validateSync(plainToInstance(RegisterWebhookEndpointRequestDto, body)).map((error) => error.property);
}

const valid = { client_id: 'client-a', url: 'https://example.com/webhooks', event_types: ['order.created'] };

describe('RegisterWebhookEndpointRequestDto', () => {
  it.each(['https://example.com/webhooks', 'http://127.0.0.1:8080/hook', 'http://receiver:3000/hook'])('accepts the URL %s', (url) => {
    expect(invalidFields({ ...valid, url, description: 'orders' })).toEqual([]);
  });

  it.each(['ftp://example.com/hook', 'example.com/hook', 'not a url'])('rejects the URL %s', (url) => {
    expect(invalidFields({ ...valid, url })).toEqual(['url']);
  });

  it.each([[[]], [['order.shipped']], [['order.created', 'order.created']], ['order.created']])('rejects event_types %j', (eventTypes) => {
    expect(invalidFields({ ...valid, event_types: eventTypes })).toEqual(['event_types']);
  });

  it('accepts every spec event type at once', () => {
    expect(invalidFields({ ...valid, event_types: ['order.created', 'order.updated', 'order.cancelled'] })).toEqual([]);
  });
});

import { PinoLogger } from 'nestjs-pino';
import { ArgumentsHost, NotFoundException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter';
import { DomainError } from './domain-error';

/** A minimal express-like response that records what the filter wrote. */
function hostFor(requestId = 'req-1') {
  const written: { status?: number; body?: Record<string, unknown> } = {};
  const response = {
    headersSent: false,
    status(code: number) {
      written.status = code;
      return this;
    },
    json(body: Record<string, unknown>) {
      written.body = body;
      return this;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ id: requestId, headers: {} }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, written };
}

function bodyParserError(type: string, status: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`raw parser text for ${type}`), { type, status, expose: true, ...extra });
}

describe('ApiExceptionFilter', () => {
  const filter = new ApiExceptionFilter(new PinoLogger({ pinoHttp: { level: 'silent' } }));

  it('answers an unexpected error with 500 INTERNAL_ERROR and no internals', () => {
    const { host, written } = hostFor();

    filter.catch(new TypeError('secret detail at /srv/app.ts:12'), host);

    expect(written.status).toBe(500);
    expect(written.body).toEqual({ error_code: 'INTERNAL_ERROR', message: 'Unexpected server error', request_id: 'req-1', timestamp: expect.any(String) });
  });

  it('maps a domain error to its code status with details and extra fields', () => {
    const { host, written } = hostFor();

    filter.catch(new DomainError('DUPLICATE_ORDER', 'Order with this idempotency key already exists', [], { existing_order_id: 'ORD-1' }), host);

    expect(written.status).toBe(409);
    expect(written.body).toMatchObject({ error_code: 'DUPLICATE_ORDER', existing_order_id: 'ORD-1' });
  });

  it.each([
    ['entity.parse.failed', 400, {}, 'Malformed JSON body'],
    ['entity.too.large', 413, { limit: 65536 }, 'Request body exceeds the limit of 65536 bytes'],
    ['charset.unsupported', 415, { charset: 'latin-9' }, 'Unsupported charset "latin-9"; send UTF-8'],
    ['encoding.unsupported', 415, {}, 'Unsupported Content-Encoding; send the body uncompressed'],
  ])('answers the body parser error %s as 400 VALIDATION_ERROR with a message of its own', (type, status, extra, message) => {
    const { host, written } = hostFor();

    filter.catch(bodyParserError(type, status, extra), host);

    expect(written.status).toBe(400);
    expect(written.body).toMatchObject({ error_code: 'VALIDATION_ERROR', message });
  });

  it('keeps each code on its seed status for Nest HTTP exceptions', () => {
    const cases = [new NotFoundException('Cannot GET /x'), new PayloadTooLargeException(), new ServiceUnavailableException('db down')];
    const results = cases.map((exception) => {
      const { host, written } = hostFor();
      filter.catch(exception, host);
      return [written.status, written.body?.error_code, written.body?.message];
    });

    expect(results).toEqual([
      [404, 'NOT_FOUND', 'Requested resource does not exist'],
      [400, 'VALIDATION_ERROR', 'Payload Too Large'],
      [503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable'],
    ]);
  });
});

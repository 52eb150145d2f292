import { errorCodeOf } from './operator-audit.middleware';

describe('errorCodeOf: the error code an operator got, for the audit log', () => {
  it('reads the code of an error body written as text or as bytes', () => {
    const body = JSON.stringify({ error_code: 'SAGA_ALREADY_ENDED', message: 'The saga already ended', request_id: 'r', timestamp: 't' });

    expect(errorCodeOf(body)).toBe('SAGA_ALREADY_ENDED');
    expect(errorCodeOf(Buffer.from(body))).toBe('SAGA_ALREADY_ENDED');
  });

  it.each([
    ['no body', undefined],
    ['a body that is not JSON', '<html>Bad Gateway</html>'],
    ['JSON without error_code', '{"message":"x"}'],
    ['a code the API does not have', '{"error_code":"TEAPOT"}'],
    ['JSON that is not an object', 'null'],
  ])('records none for %s', (_case, body) => {
    expect(errorCodeOf(body)).toBeNull();
  });
});

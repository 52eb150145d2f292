import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from './logging.module';

/** Logs `object` through pino with the services' redaction and returns the line as parsed JSON. */
function logged(object: Record<string, unknown>): { text: string; line: Record<string, unknown> } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  pino({ redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } }, sink).info(object, 'request completed');
  return { text, line: JSON.parse(text) };
}

describe('log redaction', () => {
  it('hides the Authorization and Cookie headers of a request log', () => {
    const { text, line } = logged({
      req: { headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.secret-token', cookie: 'session=abc', 'x-request-id': 'r-1' } },
    });

    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('session=abc');
    expect(line.req).toEqual({ headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', 'x-request-id': 'r-1' } });
  });

  it('hides client secrets, webhook secrets and tokens wherever a logged object carries them', () => {
    const { text } = logged({
      client_secret: 'cs-top',
      body: { client_secret: 'cs-nested', grant_type: 'client_credentials' },
      endpoint: { secret: 'whsec_nested', secrets: ['whsec_a', 'whsec_b'] },
      details: { response: { access_token: 'at-deep' } },
    });

    for (const secret of ['cs-top', 'cs-nested', 'whsec_nested', 'whsec_a', 'whsec_b', 'at-deep']) expect(text).not.toContain(secret);
    expect(text).toContain('client_credentials');
  });
});

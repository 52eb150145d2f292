import { Writable } from 'node:stream';
import pino, { Logger } from 'pino';
import { pinoOptions } from './logging.module';
import { CENSOR, headersWithoutCredentials, withoutSecrets } from './redaction';

/** A logger with the services' options, and the lines it wrote, parsed. */
function serviceLogger(): { logger: Logger; text: () => string; lines: () => Record<string, unknown>[] } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = pino(pinoOptions('redaction-spec', 'info'), sink);
  return {
    logger,
    text: () => text,
    lines: () =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('log redaction', () => {
  it('hides the Authorization and Cookie headers of a request log', () => {
    const { logger, text, lines } = serviceLogger();
    const headers = { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.secret-token', cookie: 'session=abc', 'x-request-id': 'r-1' };

    logger.info({ req: { headers, socket: {} } }, 'request completed');

    expect(text()).not.toContain('secret-token');
    expect(text()).not.toContain('session=abc');
    expect(lines()[0].req).toMatchObject({ headers: { authorization: CENSOR, cookie: CENSOR, 'x-request-id': 'r-1' } });
    expect(headers.authorization).toBe('Bearer eyJhbGciOiJFUzI1NiJ9.secret-token');
  });

  it('hides client secrets, webhook secrets and tokens wherever a logged object carries them', () => {
    const { logger, text } = serviceLogger();

    logger.info(
      {
        client_secret: 'cs-top',
        body: { client_secret: 'cs-nested', grant_type: 'client_credentials' },
        endpoint: { secret: 'whsec_nested', secrets: ['whsec_a', 'whsec_b'] },
        details: { response: { access_token: 'at-deep' } },
        attempts: [{ signing_secret: 'ss-in-an-array' }],
      },
      'request completed',
    );

    for (const secret of ['cs-top', 'cs-nested', 'whsec_nested', 'whsec_a', 'whsec_b', 'at-deep', 'ss-in-an-array']) expect(text()).not.toContain(secret);
    expect(text()).toContain('client_credentials');
  });

  it('hides secrets in a child logger’s bindings', () => {
    const { logger, text, lines } = serviceLogger();

    logger.child({ order_id: 'o-1', endpoint: { webhook_secret: 'whsec_bound' } }).info('delivery attempted');

    expect(text()).not.toContain('whsec_bound');
    expect(lines()[0]).toMatchObject({ order_id: 'o-1', endpoint: { webhook_secret: CENSOR }, message: 'delivery attempted' });
  });

  it('keeps a logged error’s type, message and stack when one of its fields is censored', () => {
    const { logger, lines } = serviceLogger();
    const error = Object.assign(new TypeError('token rejected'), { details: { token: 'tk-in-an-error' } });

    logger.error({ err: error }, 'call failed');

    const logged = lines()[0].err as Record<string, unknown>;
    expect(logged).toMatchObject({ type: 'TypeError', message: 'token rejected', details: { token: CENSOR } });
    expect(logged.stack).toContain('token rejected');
    expect(error.details.token).toBe('tk-in-an-error');
  });

  it('hides a secret at any depth, not only the top three levels', () => {
    const { logger, text } = serviceLogger();

    logger.info({ a: { b: { c: { d: { password: 'pw-four-levels-down' } } } } }, 'nested');

    expect(text()).not.toContain('pw-four-levels-down');
  });

  it('leaves text that only mentions a secret field inside a string value as it is', () => {
    const line = `{"level":"info","message":"body was {\\"token\\":\\"x\\"}"}\n`;
    expect(withoutSecrets(line)).toBe(line);
  });

  it('returns the very line it was given when there is nothing to censor, so a usual line is not parsed', () => {
    const line = `{"level":"info","order_id":"o-1","req":{"headers":{"authorization":"${CENSOR}"}},"message":"ok"}\n`;
    expect(withoutSecrets(line)).toBe(line);

    const headers = { 'content-type': 'application/json', 'x-request-id': 'r-2' };
    expect(headersWithoutCredentials(headers)).toBe(headers);
  });
});

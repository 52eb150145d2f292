import { csrfTokenMatches, sessionCookieOptions, sessionIdOf } from './session-cookie';

const ID = 'a'.repeat(43);
const OTHER = 'B'.repeat(20) + '-_' + 'c'.repeat(21);

describe('sessionIdOf', () => {
  it('finds the session cookie among others', () => {
    expect(sessionIdOf(`theme=dark; operator_session=${ID}; lang=en`)).toBe(ID);
    expect(sessionIdOf(`operator_session=${OTHER}`)).toBe(OTHER);
  });

  it('takes the first of two session cookies, the one of the most specific path', () => {
    expect(sessionIdOf(`operator_session=${OTHER}; operator_session=${ID}`)).toBe(OTHER);
  });

  it.each([
    ['no Cookie header', undefined],
    ['no session cookie', 'theme=dark'],
    ['a cookie whose name only ends like it', `x_operator_session=${ID}`],
    ['a value too short to be a session id', 'operator_session=abc'],
    ['a value with characters a session id never has', `operator_session=${'a'.repeat(42)}%`],
  ])('finds none in %s', (_case, header) => {
    expect(sessionIdOf(header)).toBeUndefined();
  });
});

describe('csrfTokenMatches', () => {
  it('accepts the session token only', () => {
    expect(csrfTokenMatches('token-1', 'token-1')).toBe(true);
    expect(csrfTokenMatches('token-2', 'token-1')).toBe(false);
    expect(csrfTokenMatches('token-1-and-more', 'token-1')).toBe(false);
  });

  it('refuses a missing, empty or repeated header', () => {
    expect(csrfTokenMatches(undefined, 'token-1')).toBe(false);
    expect(csrfTokenMatches('', 'token-1')).toBe(false);
    expect(csrfTokenMatches(['token-1', 'token-1'], 'token-1')).toBe(false);
  });
});

describe('sessionCookieOptions', () => {
  it('makes the cookie HttpOnly, SameSite=Strict and sent to the operator routes only, Secure when the gateway is reached over https', () => {
    expect(sessionCookieOptions({ PUBLIC_BASE_URL: 'https://api.example.com' })).toEqual({
      httpOnly: true,
      sameSite: 'strict',
      path: '/api/v1/operator',
      secure: true,
    });
    expect(sessionCookieOptions({ PUBLIC_BASE_URL: 'http://localhost:3000' }).secure).toBe(false);
  });
});

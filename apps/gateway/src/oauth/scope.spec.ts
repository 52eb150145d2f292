import { grantScopes, hasScope, isKnownScope, parseScope } from './scope';

describe('grantScopes', () => {
  const client = ['read', 'write'];

  it('grants all of the client scopes when the request names none', () => {
    expect(grantScopes(undefined, client)).toEqual(['read', 'write']);
  });

  it('grants a requested subset, in the client order, without duplicates', () => {
    expect(grantScopes('write', client)).toEqual(['write']);
    expect(grantScopes('write read write', client)).toEqual(['read', 'write']);
  });

  it('refuses a request naming a scope the client does not have', () => {
    expect(grantScopes('read admin', client)).toBeUndefined();
    expect(grantScopes('write', ['read'])).toBeUndefined();
  });

  it('refuses an empty or malformed scope parameter', () => {
    expect(grantScopes('', client)).toBeUndefined();
    expect(grantScopes('read "write"', client)).toBeUndefined();
  });

  it('refuses to issue a token with no scope to a client that has none', () => {
    expect(grantScopes(undefined, [])).toBeUndefined();
  });
});

describe('hasScope', () => {
  it('finds a needed scope among the granted ones', () => {
    expect(hasScope('read write', 'write')).toBe(true);
    expect(hasScope('read', 'read')).toBe(true);
  });

  it('does not let a read token write', () => {
    expect(hasScope('read', 'write')).toBe(false);
  });

  it('matches whole scope tokens, not substrings', () => {
    expect(hasScope('readonly writer', 'read')).toBe(false);
    expect(hasScope('', 'read')).toBe(false);
  });
});

describe('parseScope', () => {
  it('tolerates repeated spaces between tokens', () => {
    expect(parseScope('read  write ')).toEqual(['read', 'write']);
  });

  it('rejects tokens with characters RFC 6749 excludes', () => {
    expect(parseScope('re\\ad')).toBeUndefined();
  });
});

describe('isKnownScope', () => {
  it('knows read and write only', () => {
    expect(['read', 'write', 'admin'].filter(isKnownScope)).toEqual(['read', 'write']);
  });
});

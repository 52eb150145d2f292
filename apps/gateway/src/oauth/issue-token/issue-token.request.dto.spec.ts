import { OAuthError } from './oauth-error';
import { parseIssueTokenRequest, TokenRequestHeaders } from './issue-token.request.dto';

const FORM = 'application/x-www-form-urlencoded';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function refusalOf(body: unknown, headers: TokenRequestHeaders): OAuthError {
  try {
    parseIssueTokenRequest(body, headers);
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('parseIssueTokenRequest', () => {
  it('reads client credentials and scope from the form body', () => {
    const request = parseIssueTokenRequest(
      { grant_type: 'client_credentials', client_id: 'shop', client_secret: 's3cret', scope: 'read' },
      { 'content-type': FORM },
    );

    expect(request).toEqual({ clientId: 'shop', clientSecret: 's3cret', scope: 'read' });
  });

  it('reads client credentials from HTTP Basic, form-decoding both parts', () => {
    const request = parseIssueTokenRequest(
      { grant_type: 'client_credentials' },
      { 'content-type': `${FORM}; charset=utf-8`, authorization: basic('shop%3Aeu', 'a+b%2Fc:d') },
    );

    expect(request).toEqual({ clientId: 'shop:eu', clientSecret: 'a b/c:d' });
  });

  it('accepts a body client_id that repeats the Basic one', () => {
    const request = parseIssueTokenRequest(
      { grant_type: 'client_credentials', client_id: 'shop' },
      { 'content-type': FORM, authorization: basic('shop', 'x') },
    );

    expect(request.clientId).toBe('shop');
  });

  it('refuses a body that is not form-encoded', () => {
    const error = refusalOf({ grant_type: 'client_credentials' }, { 'content-type': 'application/json' });

    expect(error).toMatchObject({ error: 'invalid_request', status: 400 });
  });

  it('refuses a missing grant type as invalid_request and another grant as unsupported_grant_type', () => {
    expect(refusalOf({ client_id: 'a', client_secret: 'b' }, { 'content-type': FORM }).error).toBe('invalid_request');
    expect(refusalOf({ grant_type: 'password', client_id: 'a', client_secret: 'b' }, { 'content-type': FORM })).toMatchObject({
      error: 'unsupported_grant_type',
      status: 400,
    });
  });

  it('refuses a repeated parameter', () => {
    const error = refusalOf({ grant_type: 'client_credentials', scope: ['read', 'write'] }, { 'content-type': FORM, authorization: basic('a', 'b') });

    expect(error.error).toBe('invalid_request');
    expect(error.description).toContain('scope');
  });

  it('refuses a request that authenticates both ways', () => {
    const error = refusalOf({ grant_type: 'client_credentials', client_secret: 'b' }, { 'content-type': FORM, authorization: basic('a', 'b') });

    expect(error.error).toBe('invalid_request');
  });

  it('refuses a body client_id that contradicts the Basic one', () => {
    const error = refusalOf({ grant_type: 'client_credentials', client_id: 'other' }, { 'content-type': FORM, authorization: basic('a', 'b') });

    expect(error.error).toBe('invalid_request');
  });

  it('answers missing or unusable client authentication with 401 invalid_client', () => {
    const noSecret = refusalOf({ grant_type: 'client_credentials', client_id: 'a' }, { 'content-type': FORM });
    const bearer = refusalOf({ grant_type: 'client_credentials' }, { 'content-type': FORM, authorization: 'Bearer abc' });
    const noColon = refusalOf({ grant_type: 'client_credentials' }, { 'content-type': FORM, authorization: `Basic ${Buffer.from('abc').toString('base64')}` });
    const badEscape = refusalOf({ grant_type: 'client_credentials' }, { 'content-type': FORM, authorization: basic('a%zz', 'b') });

    for (const error of [noSecret, bearer, noColon, badEscape]) expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});

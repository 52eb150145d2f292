import { OAuthError } from './oauth-error';

/** A client credentials token request, whichever way (Basic header or form body) the client authenticated. */
export interface IssueTokenRequestDto {
  clientId: string;
  clientSecret: string;
  /** Absent means "all of my scopes". */
  scope?: string;
}

export interface TokenRequestHeaders {
  authorization?: string;
  'content-type'?: string;
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads an RFC 6749 §4.4 token request. Order of checks follows §5.2: a malformed request, then
 * the grant type, then client authentication; scope is the handler's, it needs the client's scopes.
 */
export function parseIssueTokenRequest(body: unknown, headers: TokenRequestHeaders): IssueTokenRequestDto {
  if (!FORM.test(headers['content-type'] ?? '')) {
    throw new OAuthError('invalid_request', 'The token request must be application/x-www-form-urlencoded');
  }
  const form = formParameters(body);

  if (form.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
  if (form.grant_type !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported');
  }

  const credentials = clientCredentialsOf(form, headers.authorization);
  return { ...credentials, ...(form.scope !== undefined ? { scope: form.scope } : {}) };
}

function formParameters(body: unknown): Record<string, string | undefined> {
  const form: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body ?? {})) {
    // RFC 6749 §3.2: parameters must not be repeated; the parser turns a repeated one into an array.
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `Parameter ${name} must appear once, as a plain value`);
    form[name] = value;
  }
  return form;
}

function clientCredentialsOf(form: Record<string, string | undefined>, authorization: string | undefined): { clientId: string; clientSecret: string } {
  if (authorization !== undefined) {
    const basic = basicCredentialsOf(authorization);
    // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
    if (form.client_secret !== undefined) {
      throw new OAuthError('invalid_request', 'Send the client secret either in the Authorization header or in the body, not both');
    }
    if (form.client_id !== undefined && form.client_id !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the one in the Authorization header');
    }
    return basic;
  }
  if (!form.client_id || form.client_secret === undefined) {
    throw new OAuthError('invalid_client', 'Client authentication is required (HTTP Basic or client_id and client_secret)');
  }
  return { clientId: form.client_id, clientSecret: form.client_secret };
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
function basicCredentialsOf(authorization: string): { clientId: string; clientSecret: string } {
  const match = /^Basic +(\S+)\s*$/i.exec(authorization.trim());
  if (!match || !BASE64.test(match[1])) throw new OAuthError('invalid_client', 'Unsupported or malformed client authentication');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials');
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials');
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

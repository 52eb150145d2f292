/** The scopes the public API knows. `read` covers GET routes, `write` the routes that change state. */
export const SCOPES = ['read', 'write'] as const;
export type Scope = (typeof SCOPES)[number];

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isKnownScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** A space-delimited scope string as a list without duplicates; undefined when a token is malformed. */
export function parseScope(value: string): string[] | undefined {
  const tokens = value.split(' ').filter((token) => token !== '');
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) return undefined;
  return [...new Set(tokens)];
}

/**
 * The scopes a token request gets: what it asked for when every requested scope is the client's,
 * all of the client's scopes when it asked for none. Undefined means invalid_scope (RFC 6749 §5.2),
 * including a grant that would be empty, since an empty token authorizes nothing.
 */
export function grantScopes(requested: string | undefined, clientScopes: readonly string[]): string[] | undefined {
  if (requested === undefined) return clientScopes.length > 0 ? [...new Set(clientScopes)] : undefined;
  const asked = parseScope(requested);
  if (!asked || asked.length === 0 || !asked.every((scope) => clientScopes.includes(scope))) return undefined;
  return clientScopes.filter((scope, index) => asked.includes(scope) && clientScopes.indexOf(scope) === index);
}

/** Whether a token's space-delimited `scope` claim includes the one a route needs. */
export function hasScope(scopeClaim: string, needed: Scope): boolean {
  return scopeClaim.split(' ').includes(needed);
}

import type { IncomingHttpHeaders } from 'node:http';

/** What a censored value is written as. */
export const CENSOR = '[REDACTED]';

/** Field names that carry a secret: their values never reach a log line, at whatever depth. */
export const SECRET_FIELDS: readonly string[] = [
  'client_secret',
  'secret',
  'secrets',
  'password',
  'access_token',
  'refresh_token',
  'token',
  'authorization',
  'signing_secret',
  'webhook_secret',
];

/** HTTP headers that carry credentials (besides any named like a secret field). */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-api-key'];

const CENSORED_NAMES: ReadonlySet<string> = new Set([...SECRET_FIELDS, ...CREDENTIAL_HEADERS]);
const escaped = (name: string) => name.replace(/[-[\]{}()*+?.,\\^$|#]/g, '\\$&');
/**
 * A censored name as a JSON key whose value is not the censor yet. In a line pino wrote, `"name":` can only
 * be a key: a quote inside a string value is escaped.
 */
const UNCENSORED_SECRET = new RegExp(`"(?:${[...CENSORED_NAMES].map(escaped).join('|')})":(?!"${escaped(CENSOR)}")`);

/**
 * A finished log line with the value of every field named in SECRET_FIELDS or CREDENTIAL_HEADERS
 * censored, wherever it is: in the logged object, in a child logger's bindings, in what a serializer
 * wrote. It is pino's `streamWrite` hook, so it sees each line once, as written. A line without such a
 * field (nearly every line) is returned as it is after one regular-expression test; only a line that has
 * one is parsed, censored and written again.
 */
export function withoutSecrets(line: string): string {
  if (!UNCENSORED_SECRET.test(line)) return line;
  const end = line.endsWith('\n') ? '\n' : '';
  return JSON.stringify(censored(JSON.parse(line))) + end;
}

/** A request's headers with credentials censored, copied only when there is one (the request keeps its own). */
export function headersWithoutCredentials(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  let copy: IncomingHttpHeaders | undefined;
  for (const name in headers) {
    if (CENSORED_NAMES.has(name) && headers[name] !== undefined) {
      copy ??= { ...headers };
      copy[name] = CENSOR;
    }
  }
  return copy ?? headers;
}

/** Parsed JSON with censored names' values replaced, at every depth. */
function censored(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(censored);
  if (typeof value !== 'object' || value === null) return value;
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) fields[key] = CENSORED_NAMES.has(key) ? CENSOR : censored(field);
  return fields;
}

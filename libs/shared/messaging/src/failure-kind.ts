/**
 * PostgreSQL SQLSTATE classes/codes that say "the database could not do it now", not "this message is
 * bad": connection exceptions (08), insufficient resources (53), operator intervention (57, e.g.
 * admin shutdown), serialization failure and deadlock (40001, 40P01), lock not available (55P03).
 */
const TRANSIENT_SQLSTATE = [/^08/, /^53/, /^57/, /^40001$/, /^40P01$/, /^55P03$/];
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when a failure is the infrastructure's (worth retrying forever), false when it may be the message's. */
export function isInfrastructureFailure(error: unknown): boolean {
  for (let cause = error as { code?: unknown; driverError?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; cause && depth < 5; depth++) {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    if (code && (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_SQLSTATE.some((pattern) => pattern.test(code)))) return true;
    if (typeof cause.message === 'string' && /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(cause.message))
      return true;
    cause = (cause.driverError ?? cause.cause) as typeof cause;
  }
  return false;
}

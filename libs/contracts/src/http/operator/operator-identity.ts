/**
 * The operator on whose behalf the gateway calls an operator route of a service, set by the gateway after
 * it checked the operator's session (never taken from a client). Services record it with each action.
 */
export const OPERATOR_ID_HEADER = 'x-operator-id';
export const OPERATOR_ID_MAX_LENGTH = 200;

/** A usable operator id: 1 to OPERATOR_ID_MAX_LENGTH printable characters, no surrounding blanks. */
export function isOperatorId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= OPERATOR_ID_MAX_LENGTH && /^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u.test(value);
}

/**
 * Set on the answer to a repeated action id: the body is the first request's answer, and nothing was done now.
 * Every operator action of a service answers this way (saga actions, dead letters, webhook resends).
 */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

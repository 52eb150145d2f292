/*
 * The services' side of the operator API (issue 17): who the operator is (the gateway's x-operator-id), actions
 * taken once per action id with their first answer replayed, and the Idempotent-Replayed header. A library of
 * its own because it loads the operator contract (@order-saga/contracts/http/operator), which the gateway loads
 * only where it mounts the operator routes, so that its OpenAPI document describes exactly what it serves.
 */
export * from './operator-id.decorator';
export * from './operator-action-answer';
export * from './operator-actions';

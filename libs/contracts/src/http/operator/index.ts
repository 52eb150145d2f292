/*
 * The operator API's contract (issue 17: the operator console), an entry point of its own beside the public
 * one: API clients and the SDK never load it, and the gateway loads it only where it mounts the operator
 * routes, so its OpenAPI document describes these classes (closed, under the `operator` tag) exactly when it
 * serves them. Services validate with the request classes and type their answers with the response classes.
 */

export * from './operator-identity';
export * from './list-sagas.request.dto';
export * from './operator-saga.response.dto';
export * from './saga-action.request.dto';
export * from './saga-action.response.dto';
export * from './figures.request.dto';
export * from './figures-window.response.dto';
export * from './saga-figures.response.dto';
export * from './sign-in.request.dto';
export * from './operator-session.response.dto';
export * from './list-audit-log.request.dto';
export * from './audit-entry.response.dto';
export * from './operator-action.request.dto';
export * from './dead-letter-services';
export * from './dead-letter.response.dto';
export * from './list-dead-letters.request.dto';
export * from './redrive-dead-letters.request.dto';
export * from './dead-letter-action.response.dto';
export * from './operator-webhook-endpoint.response.dto';
export * from './list-operator-webhook-endpoints.request.dto';
export * from './operator-webhook-delivery.response.dto';
export * from './list-operator-webhook-deliveries.request.dto';
export * from './resend-failed-webhooks.request.dto';
export * from './webhook-action.response.dto';
export * from './webhook-figures.response.dto';
export * from './dead-letter-depth.response.dto';

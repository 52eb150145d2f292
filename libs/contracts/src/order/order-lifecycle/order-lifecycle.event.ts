import { IsNotEmpty, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/** What every order lifecycle event (created, updated, cancelled) carries: whose order it is about. */
export abstract class OrderLifecycleEventBase {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  /** The API client that owns the order; webhooks go only to that client's endpoints. */
  @IsString()
  @IsNotEmpty()
  clientId: string;
}

/** The fields of OrderLifecycleEventBase, in its order. */
const SHARED_FIELDS = ['orderId', 'clientId'];
const sharedFirst = (a: string, b: string) => Number(!SHARED_FIELDS.includes(a)) - Number(!SHARED_FIELDS.includes(b));

/**
 * On each event class: its JSON Schema lists the shared fields first, as an event has them (the schema
 * converter puts inherited fields last), so the published schemas read orderId, clientId, then the rest.
 */
export const sharedFieldsFirst = JSONSchema((schema) => ({
  ...schema,
  properties: Object.fromEntries(Object.entries(schema.properties ?? {}).sort(([a], [b]) => sharedFirst(a, b))),
  ...(schema.required ? { required: [...schema.required].sort(sharedFirst) } : {}),
}));

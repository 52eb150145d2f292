/**
 * Request and response shapes of the public API (docs/integration-spec.md, docs/schemas/http). Declared
 * here rather than imported so the package has no dependency on the services; the conformance suite
 * checks live responses against the generated schemas these mirror.
 */
export type OrderStatus = 'pending' | 'confirmed' | 'cancelled';
export type WebhookEventType = 'order.created' | 'order.updated' | 'order.cancelled';

export interface ShippingAddress {
  street: string;
  city: string;
  postal_code: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface PlaceOrderRequest {
  customer_id: string;
  items: { product_id: string; quantity: number; unit_price?: number }[];
  shipping_address?: ShippingAddress;
}

export interface Order {
  order_id: string;
  status: OrderStatus;
  customer_id: string;
  total_amount: number | null;
  currency: string;
  items: { product_id: string; quantity: number; unit_price: number | null }[];
  created_at: string;
  estimated_delivery: string;
  tracking_url: string;
}

export interface OrderDetail extends Order {
  failure_code: string | null;
}

/** 201 a new order, 200 a replay of the same idempotency key, 202 still running (poll `location`). */
export interface PlaceOrderResult {
  status: 200 | 201 | 202;
  order: Order;
  location: string | null;
  requestId: string;
  idempotencyKey: string;
}

export interface OrderTrack {
  order_id: string;
  status: OrderStatus;
  saga_state: string;
  failure_reason: string | null;
  step_deadline_at: string | null;
  timeline: { kind: string; name: string; message_id: string | null; detail: unknown; occurred_at: string }[];
}

export interface Page<T> {
  data: T[];
  pagination: { limit: number; has_more: boolean; next_cursor: string | null };
}

export interface ListOrdersQuery {
  customer_id?: string;
  status?: OrderStatus;
  created_from?: string;
  created_to?: string;
  cursor?: string;
  limit?: number;
}

export interface SearchOrdersQuery {
  q: string;
  status?: OrderStatus;
  cursor?: string;
  limit?: number;
}

export interface Customer {
  customer_id: string;
  name: string;
  email: string | null;
  status: string;
  created_at: string;
}

export interface CreateCustomerRequest {
  customer_id?: string;
  name: string;
  email?: string;
}

export interface ListCustomersQuery {
  status?: 'active' | 'inactive';
  cursor?: string;
  limit?: number;
}

export interface Product {
  product_id: string;
  name: string;
  unit_price: number;
  available: number;
  reserved: number;
  active: boolean;
}

export interface UpsertProductRequest {
  name: string;
  unit_price: number;
  active?: boolean;
  available?: number;
}

export interface StockAdjustmentRequest {
  delta: number;
  reason?: string;
}

export interface ListProductsQuery {
  active?: boolean;
  cursor?: string;
  limit?: number;
}

export interface WebhookEndpoint {
  endpoint_id: string;
  url: string;
  event_types: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  /** Shown only at registration and rotation. */
  secret: string;
}

export interface RegisterWebhookRequest {
  url: string;
  event_types: WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

export interface UpdateWebhookRequest {
  url?: string;
  event_types?: WebhookEventType[];
  description?: string | null;
  enabled?: boolean;
}

export interface WebhookDelivery {
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  order_id: string;
  status: 'pending' | 'delivered' | 'failed';
  failure_reason: string | null;
  attempt_count: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  created_at: string;
  attempts: {
    attempt_number: number;
    attempted_at: string;
    status_code: number | null;
    duration_ms: number;
    error: string | null;
    response_excerpt: string | null;
  }[];
}

export interface ListDeliveriesQuery {
  status?: 'pending' | 'delivered' | 'failed';
  since?: string;
}

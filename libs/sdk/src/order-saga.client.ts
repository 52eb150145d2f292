import { randomUUID } from 'node:crypto';
import { ApiErrorBody, OrderSagaApiError, OrderSagaNetworkError } from './errors';
import { RETRYABLE_STATUSES, RetryPolicy, RetryPolicyOptions } from './retry-policy';
import { ClientCredentialsTokenProvider } from './token-provider';
import type {
  CreateCustomerRequest,
  Customer,
  CustomerPage,
  ListCustomersQuery,
  ListDeliveriesQuery,
  ListOrdersQuery,
  ListProductsQuery,
  Order,
  OrderDetail,
  OrderPage,
  OrderTrack,
  PlaceOrderRequest,
  PlaceOrderResult,
  Product,
  ProductPage,
  RedeliverFailedRequest,
  RegisterWebhookRequest,
  RotateWebhookSecretRequest,
  SearchOrdersQuery,
  StockAdjustmentRequest,
  UpdateWebhookRequest,
  UpsertProductRequest,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
  WebhookRedeliveryQueued,
  WebhookRetryQueued,
} from './types';

export interface OrderSagaClientOptions {
  /** Origin of the gateway, e.g. https://api.example.com (no trailing /api/v1). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Seconds before expiry at which the cached token is replaced; default 300. */
  refreshThresholdSeconds?: number;
  retry?: RetryPolicyOptions;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** How the client waits between attempts; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Per attempt, and per token request; a request that takes longer counts as a failed attempt. Default 30 000. */
  timeoutMs?: number;
  idempotencyKeyFactory?: () => string;
  requestIdFactory?: () => string;
}

export interface RequestOptions {
  /** Sent as X-Request-ID and kept across retries; generated when absent. */
  requestId?: string;
  /** POST only: replaces the generated key, e.g. to resume a request from an earlier process. */
  idempotencyKey?: string;
  /**
   * More headers for this call, e.g. a W3C `traceparent` that puts the request in the caller's trace. The
   * client's own (authorization, accept, content-type, X-Request-ID, the idempotency key) win over them.
   */
  headers?: Record<string, string>;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  requestId: string;
  attempts: number;
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * Client of the order-saga public API. Every call gets a token (cached, refreshed before expiry), an
 * X-Request-ID, and up to `retry.maxAttempts` attempts on 429 / 5xx / no response, waiting as
 * Retry-After says or with jittered exponential backoff. A POST carries one idempotency key for all of
 * its attempts, so a retry after a lost response cannot create a second order.
 */
export class OrderSagaClient {
  readonly tokens: ClientCredentialsTokenProvider;
  private readonly retry: RetryPolicy;
  private readonly baseUrl: string;

  constructor(private readonly options: OrderSagaClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = new RetryPolicy(options.retry);
    this.tokens = new ClientCredentialsTokenProvider({
      tokenUrl: `${this.baseUrl}/oauth/token`,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scope: options.scope,
      refreshThresholdSeconds: options.refreshThresholdSeconds,
      clock: options.clock,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
    });
  }

  // Orders

  async placeOrder(order: PlaceOrderRequest, options: RequestOptions = {}): Promise<PlaceOrderResult> {
    const idempotencyKey = options.idempotencyKey ?? this.newIdempotencyKey();
    const response = await this.send<Order>('POST', '/api/v1/orders', { body: order, ...options, idempotencyKey });
    return {
      status: response.status as PlaceOrderResult['status'],
      order: response.body,
      location: response.headers.get('location'),
      requestId: response.requestId,
      idempotencyKey,
    };
  }

  getOrder(orderId: string, options?: RequestOptions): Promise<OrderDetail> {
    return this.body('GET', `/api/v1/orders/${encodeURIComponent(orderId)}`, options);
  }

  trackOrder(orderId: string, options?: RequestOptions): Promise<OrderTrack> {
    return this.body('GET', `/api/v1/orders/${encodeURIComponent(orderId)}/track`, options);
  }

  listOrders(query: ListOrdersQuery = {}, options?: RequestOptions): Promise<OrderPage> {
    return this.body('GET', '/api/v1/orders', { ...options, query: { ...query } });
  }

  searchOrders(query: SearchOrdersQuery, options?: RequestOptions): Promise<OrderPage> {
    return this.body('GET', '/api/v1/search', { ...options, query: { ...query } });
  }

  // Customers

  createCustomer(customer: CreateCustomerRequest, options?: RequestOptions): Promise<Customer> {
    return this.body('POST', '/api/v1/customers', { ...options, body: customer });
  }

  getCustomer(customerId: string, options?: RequestOptions): Promise<Customer> {
    return this.body('GET', `/api/v1/customers/${encodeURIComponent(customerId)}`, options);
  }

  listCustomers(query: ListCustomersQuery = {}, options?: RequestOptions): Promise<CustomerPage> {
    return this.body('GET', '/api/v1/customers', { ...options, query: { ...query } });
  }

  deactivateCustomer(customerId: string, options?: RequestOptions): Promise<Customer> {
    return this.body('POST', `/api/v1/customers/${encodeURIComponent(customerId)}/deactivate`, options);
  }

  // Products

  listProducts(query: ListProductsQuery = {}, options?: RequestOptions): Promise<ProductPage> {
    return this.body('GET', '/api/v1/products', { ...options, query: { ...query } });
  }

  getProduct(productId: string, options?: RequestOptions): Promise<Product> {
    return this.body('GET', `/api/v1/products/${encodeURIComponent(productId)}`, options);
  }

  upsertProduct(productId: string, product: UpsertProductRequest, options?: RequestOptions): Promise<Product> {
    return this.body('PUT', `/api/v1/products/${encodeURIComponent(productId)}`, { ...options, body: product });
  }

  adjustStock(productId: string, adjustment: StockAdjustmentRequest, options?: RequestOptions): Promise<Product> {
    return this.body('POST', `/api/v1/products/${encodeURIComponent(productId)}/stock-adjustments`, { ...options, body: adjustment });
  }

  // Webhooks

  registerWebhook(endpoint: RegisterWebhookRequest, options?: RequestOptions): Promise<WebhookEndpointWithSecret> {
    return this.body('POST', '/api/v1/webhooks', { ...options, body: endpoint });
  }

  listWebhooks(options?: RequestOptions): Promise<WebhookEndpointList> {
    return this.body('GET', '/api/v1/webhooks', options);
  }

  getWebhook(webhookId: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.body('GET', `/api/v1/webhooks/${encodeURIComponent(webhookId)}`, options);
  }

  updateWebhook(webhookId: string, changes: UpdateWebhookRequest, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.body('PATCH', `/api/v1/webhooks/${encodeURIComponent(webhookId)}`, { ...options, body: changes });
  }

  async deleteWebhook(webhookId: string, options?: RequestOptions): Promise<void> {
    await this.send('DELETE', `/api/v1/webhooks/${encodeURIComponent(webhookId)}`, options);
  }

  rotateWebhookSecret(webhookId: string, change: RotateWebhookSecretRequest = {}, options?: RequestOptions): Promise<WebhookEndpointWithSecret> {
    return this.body('POST', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/rotate-secret`, { ...options, body: change });
  }

  listWebhookDeliveries(webhookId: string, query: ListDeliveriesQuery = {}, options?: RequestOptions): Promise<WebhookDeliveryList> {
    return this.body('GET', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries`, { ...options, query: { ...query } });
  }

  getWebhookDelivery(webhookId: string, deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this.body('GET', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}`, options);
  }

  retryWebhookDelivery(webhookId: string, deliveryId: string, options?: RequestOptions): Promise<WebhookRetryQueued> {
    return this.body('POST', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}/retry`, options);
  }

  /** Queues every failed delivery of events since `since` again; the API requires the body. */
  redeliverFailedWebhooks(webhookId: string, request: RedeliverFailedRequest, options?: RequestOptions): Promise<WebhookRedeliveryQueued> {
    return this.body('POST', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/redeliver-failed`, { ...options, body: request });
  }

  /**
   * Any API call, with the same token, request id, idempotency and retry handling as the typed methods;
   * answers 2xx as an ApiResponse and throws OrderSagaApiError for the rest.
   */
  async send<T>(method: string, path: string, options: RequestOptions & { body?: unknown; query?: Query } = {}): Promise<ApiResponse<T>> {
    const requestId = options.requestId ?? (this.options.requestIdFactory ?? randomUUID)();
    const idempotencyKey = method === 'POST' ? (options.idempotencyKey ?? this.newIdempotencyKey()) : undefined;
    const url = `${this.baseUrl}${path}${queryString(options.query)}`;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let refreshedAfter401 = false;

    for (let attempt = 1; ; attempt += 1) {
      const headers: Record<string, string> = {
        ...lowerCased(options.headers),
        authorization: `Bearer ${await this.tokens.accessToken()}`,
        accept: 'application/json',
        'x-request-id': requestId,
      };
      if (idempotencyKey) headers['x-idempotency-key'] = idempotencyKey;
      if (options.body !== undefined) headers['content-type'] = 'application/json';

      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        // No answer: the request may or may not have been processed. Safe to repeat, because every
        // method here is idempotent or (POST) carries the same idempotency key on each attempt.
        const delay = this.retry.delayBeforeNextAttempt(attempt, null, this.now());
        if (delay === undefined) throw new OrderSagaNetworkError(requestId, attempt, error);
        await sleep(delay);
        continue;
      }

      const text = await response.text();
      const parsed = parseJson(text);
      if (response.ok) {
        return {
          status: response.status,
          headers: response.headers,
          body: parsed as T,
          requestId: response.headers.get('x-request-id') ?? requestId,
          attempts: attempt,
        };
      }
      if (response.status === 401 && !refreshedAfter401) {
        // The spec's UNAUTHORIZED strategy: refresh the token and retry once (e.g. after a key rotation).
        refreshedAfter401 = true;
        this.tokens.invalidate();
        attempt -= 1;
        continue;
      }
      const delay = RETRYABLE_STATUSES.has(response.status)
        ? this.retry.delayBeforeNextAttempt(attempt, response.headers.get('retry-after'), this.now())
        : undefined;
      if (delay === undefined) {
        throw new OrderSagaApiError(
          response.status,
          isErrorBody(parsed) ? parsed : null,
          response.headers.get('x-request-id') ?? requestId,
          attempt,
          response.headers,
        );
      }
      await sleep(delay);
    }
  }

  private async body<T>(method: string, path: string, options?: RequestOptions & { body?: unknown; query?: Query }): Promise<T> {
    return (await this.send<T>(method, path, options)).body;
  }

  private newIdempotencyKey(): string {
    return (this.options.idempotencyKeyFactory ?? randomUUID)();
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Header names in lower case, so that the client's own headers replace a caller's of the same name in any spelling. */
function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ApiErrorBody).error_code === 'string';
}

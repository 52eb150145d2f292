/*
 * Request and response shapes of the public API: the contract classes of libs/contracts/src/http, which the
 * services validate with and docs/openapi.json is generated from, re-exported as types under the SDK's
 * names. Type-only, so the SDK's JavaScript loads none of them (nor Nest, class-validator or swagger);
 * the built package carries their declarations (libs/sdk/tsconfig.lib.json).
 */
import type { OrderResponseDto, PaginationResponseDto } from '@order-saga/contracts/http';

export type {
  AdjustStockRequestDto as StockAdjustmentRequest,
  CreateCustomerRequestDto as CreateCustomerRequest,
  CustomerPageResponseDto as CustomerPage,
  CustomerResponseDto as Customer,
  CustomerStatus,
  EndpointDeliveriesRequestDto as ListDeliveriesQuery,
  ErrorCode,
  ListCustomersRequestDto as ListCustomersQuery,
  ListOrdersRequestDto as ListOrdersQuery,
  ListProductsRequestDto as ListProductsQuery,
  OrderDetailResponseDto as OrderDetail,
  OrderLineRequestDto as OrderLineRequest,
  OrderPageResponseDto as OrderPage,
  OrderResponseDto as Order,
  OrderStatus,
  PaginationResponseDto as Pagination,
  PlaceOrderRequestDto as PlaceOrderRequest,
  ProductPageResponseDto as ProductPage,
  ProductResponseDto as Product,
  RedeliverFailedRequestDto as RedeliverFailedRequest,
  RegisterWebhookEndpointRequestDto as RegisterWebhookRequest,
  RotateWebhookSecretRequestDto as RotateWebhookSecretRequest,
  SagaState,
  SagaTimelineEntryResponseDto as SagaTimelineEntry,
  SearchOrdersRequestDto as SearchOrdersQuery,
  ShippingAddressRequestDto as ShippingAddress,
  TrackOrderResponseDto as OrderTrack,
  UpdateWebhookEndpointRequestDto as UpdateWebhookRequest,
  UpsertProductRequestDto as UpsertProductRequest,
  WebhookDeliveryListResponseDto as WebhookDeliveryList,
  WebhookDeliveryResponseDto as WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpointListResponseDto as WebhookEndpointList,
  WebhookEndpointResponseDto as WebhookEndpoint,
  WebhookEndpointWithSecretResponseDto as WebhookEndpointWithSecret,
  WebhookEventType,
  WebhookRedeliveryQueuedResponseDto as WebhookRedeliveryQueued,
  WebhookRetryQueuedResponseDto as WebhookRetryQueued,
} from '@order-saga/contracts/http';

/** Any list answer: `data` and the cursor `pagination` block (OrderPage, CustomerPage and ProductPage are these). */
export interface Page<T> {
  data: T[];
  pagination: PaginationResponseDto;
}

/** 201 a new order, 200 a replay of the same idempotency key, 202 still running (poll `location`). */
export interface PlaceOrderResult {
  status: 200 | 201 | 202;
  order: OrderResponseDto;
  location: string | null;
  requestId: string;
  idempotencyKey: string;
}

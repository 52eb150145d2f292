import type {
  CustomerPageResponseDto,
  CustomerResponseDto,
  OrderDetailResponseDto,
  OrderPageResponseDto,
  OrderResponseDto,
  ProductPageResponseDto,
  ProductResponseDto,
  TokenResponseDto,
  WebhookDeliveryListResponseDto,
  WebhookDeliveryResponseDto,
  WebhookEndpointListResponseDto,
  WebhookEndpointResponseDto,
  WebhookEndpointWithSecretResponseDto,
} from '@order-saga/contracts/http';

/*
 * Success bodies of the public API under the names the published schemas carry (docs/schemas/http). The
 * types are the contract classes themselves: the same ones the services answer with and the gateway's
 * OpenAPI document describes, so the schemas cannot drift from either.
 */
export type TokenResponse = TokenResponseDto;
export type Order = OrderResponseDto;
export type OrderDetail = OrderDetailResponseDto;
export type OrderPage = OrderPageResponseDto;
export type Customer = CustomerResponseDto;
export type CustomerPage = CustomerPageResponseDto;
export type Product = ProductResponseDto;
export type ProductPage = ProductPageResponseDto;
export type WebhookEndpoint = WebhookEndpointResponseDto;
export type WebhookEndpointWithSecret = WebhookEndpointWithSecretResponseDto;
export type WebhookEndpointList = WebhookEndpointListResponseDto;
export type WebhookDelivery = WebhookDeliveryResponseDto;
export type WebhookDeliveryList = WebhookDeliveryListResponseDto;

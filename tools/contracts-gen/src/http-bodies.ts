/* eslint-disable @nx/enforce-module-boundaries -- type-only imports: the schema generator reads the
   services' response types so the published HTTP schemas cannot drift from them; no runtime code crosses. */
import type { IssueTokenResponseDto } from '../../../apps/gateway/src/oauth/issue-token/issue-token.response.dto';
import type { CustomerResponseDto } from '../../../apps/order-service/src/customers/customer.response.dto';
import type { Page } from '../../../apps/order-service/src/common/page-cursor';
import type { OrderResponseDto } from '../../../apps/order-service/src/orders/order.response.dto';
import type { ProductResponseDto } from '../../../apps/inventory-service/src/products/product.response.dto';
import type { WebhookDeliveryResponseDto } from '../../../apps/notification-service/src/deliveries/webhook-delivery.response.dto';
import type {
  WebhookEndpointResponseDto,
  WebhookEndpointWithSecretResponseDto,
} from '../../../apps/notification-service/src/webhook-endpoints/webhook-endpoint.response.dto';
/* eslint-enable @nx/enforce-module-boundaries */

/**
 * Success bodies of the public API, named after what each controller behind the gateway declares it
 * returns (the gateway relays them unchanged). Where a controller's type changes, so does this file's
 * type check and the generated schema.
 */
export type TokenResponse = IssueTokenResponseDto;
export type Order = OrderResponseDto;
export type OrderDetail = OrderResponseDto & { failure_code: string | null };
export type OrderPage = Page<OrderResponseDto>;
export type Customer = CustomerResponseDto;
export type CustomerPage = Page<CustomerResponseDto>;
export type Product = ProductResponseDto;
export type ProductPage = { data: ProductResponseDto[]; pagination: { limit: number; has_more: boolean; next_cursor: string | null } };
export type WebhookEndpoint = WebhookEndpointResponseDto;
export type WebhookEndpointWithSecret = WebhookEndpointWithSecretResponseDto;
export type WebhookEndpointList = { data: WebhookEndpointResponseDto[] };
export type WebhookDelivery = WebhookDeliveryResponseDto;
export type WebhookDeliveryList = { data: WebhookDeliveryResponseDto[] };

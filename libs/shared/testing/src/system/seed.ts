import { randomUUID } from 'node:crypto';
import { callService } from '@order-saga/infra';

export interface SeedProduct {
  /** A fresh `SKU-TEST-…` when absent, so tests never share stock. */
  productId?: string;
  name?: string;
  /** Decimal, as the API takes it; default 10. */
  unitPrice?: number;
  available: number;
}

/**
 * Creates (or replaces) a product through inventory-service's own API, as its operators do: a test's
 * catalog, not an API call under test. Resolves with the product id.
 */
export async function seedProduct(
  inventoryServiceUrl: string,
  { productId = `SKU-TEST-${randomUUID().slice(0, 8)}`, name, unitPrice = 10, available }: SeedProduct,
): Promise<string> {
  await callService('PUT', `${inventoryServiceUrl}/products/${productId}`, { name: name ?? `test ${productId}`, unit_price: unitPrice, available });
  return productId;
}

export interface SeedCustomer {
  /** The API client that owns the customer (the gateway passes it as x-client-id). */
  clientId: string;
  /** A fresh `CUST-…` when absent. */
  customerId?: string;
  name?: string;
  email?: string;
}

/** Creates (or replaces) a client's customer through order-service's own API. Resolves with the customer id. */
export async function seedCustomer(
  orderServiceUrl: string,
  { clientId, customerId = `CUST-${randomUUID().slice(0, 8)}`, name, email }: SeedCustomer,
): Promise<string> {
  await callService(
    'PUT',
    `${orderServiceUrl}/customers/${customerId}`,
    { name: name ?? `test ${customerId}`, ...(email ? { email } : {}) },
    { 'x-client-id': clientId },
  );
  return customerId;
}

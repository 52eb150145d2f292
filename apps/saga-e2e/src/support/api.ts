import { randomUUID } from 'node:crypto';
import { attachSystem, TestSystem } from '@order-saga/shared/testing';
import { E2E_CLIENTS } from './e2e-stack';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

let attached: TestSystem | undefined;
/** The system the suite's global setup started (e2e-stack.ts). */
export const system = (): TestSystem => (attached ??= attachSystem());

export const urls = {
  gateway: () => system().gatewayUrl,
  inventory: () => system().urls['inventory-service'],
  orders: () => system().urls['order-service'],
  payments: () => system().urls['payment-service'],
  notifications: () => system().urls['notification-service'],
};

export async function call<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/** A client-credentials token from the gateway, as an API client would get it. */
export async function tokenFor(role: keyof typeof E2E_CLIENTS, scope?: string): Promise<string> {
  return system().token(role, scope);
}

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'x-request-id': randomUUID(), ...extra };
}

/** A product of its own for one test, so tests never share stock. */
export async function createProduct(available: number, unitPrice = 10): Promise<string> {
  const productId = `SKU-E2E-${randomUUID().slice(0, 8)}`;
  return system().seed.product({ productId, name: `e2e ${productId}`, unitPrice, available });
}

export async function createCustomer(clientId: string, customerId = `CUST-${randomUUID().slice(0, 8)}`): Promise<string> {
  return system().seed.customer({ clientId, customerId, name: 'E2E customer' });
}

export async function stockOf(productId: string): Promise<{ available: number; reserved: number }> {
  const { body } = await call<{ available: number; reserved: number }>('GET', `${urls.inventory()}/products/${productId}`);
  return { available: body.available, reserved: body.reserved };
}

const DATABASES = { E2E_INVENTORY_DB: 'inventory-service', E2E_ORDER_DB: 'order-service', E2E_PAYMENT_DB: 'payment-service' } as const;

/** Runs one query against a service's own database, to check what the API does not show. */
export async function queryDatabase<T>(database: keyof typeof DATABASES, sql: string, params: unknown[] = []): Promise<T[]> {
  return system().query<T>(DATABASES[database], sql, params);
}

export const shippingAddress = { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };

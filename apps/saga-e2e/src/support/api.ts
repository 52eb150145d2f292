import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { clientCredentialsToken } from '@order-saga/shared/testing';
import { E2E_CLIENTS } from './e2e-stack';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e suite through its Nx target or npm test`);
  return value;
}

export const urls = {
  gateway: () => env('E2E_GATEWAY_URL'),
  inventory: () => env('E2E_INVENTORY_URL'),
  orders: () => env('E2E_ORDER_URL'),
  payments: () => env('E2E_PAYMENT_URL'),
  notifications: () => env('E2E_NOTIFICATION_URL'),
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
  return clientCredentialsToken(urls.gateway(), { id: E2E_CLIENTS[role].id, secret: env(`E2E_${role.toUpperCase()}_SECRET`) }, { scope });
}

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'x-request-id': randomUUID(), ...extra };
}

/** A product of its own for one test, so tests never share stock. */
export async function createProduct(available: number, unitPrice = 10): Promise<string> {
  const productId = `SKU-E2E-${randomUUID().slice(0, 8)}`;
  const response = await call('PUT', `${urls.inventory()}/products/${productId}`, { name: `e2e ${productId}`, unit_price: unitPrice, available });
  if (response.status !== 200) throw new Error(`product setup failed: ${JSON.stringify(response.body)}`);
  return productId;
}

export async function createCustomer(clientId: string, customerId = `CUST-${randomUUID().slice(0, 8)}`): Promise<string> {
  const response = await call('PUT', `${urls.orders()}/customers/${customerId}`, { name: 'E2E customer' }, { 'x-client-id': clientId });
  if (response.status !== 200) throw new Error(`customer setup failed: ${JSON.stringify(response.body)}`);
  return customerId;
}

export async function stockOf(productId: string): Promise<{ available: number; reserved: number }> {
  const { body } = await call<{ available: number; reserved: number }>('GET', `${urls.inventory()}/products/${productId}`);
  return { available: body.available, reserved: body.reserved };
}

/** Runs one query against a service's own database, to check what the API does not show. */
export async function queryDatabase<T>(database: 'E2E_INVENTORY_DB' | 'E2E_ORDER_DB' | 'E2E_PAYMENT_DB', sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: env(database) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export const shippingAddress = { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };

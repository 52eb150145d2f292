import { randomUUID } from 'node:crypto';
import { callService } from '@order-saga/infra';
import { OrderSagaClient, RequestOptions } from '@order-saga/sdk';
import { answerOf, ApiAnswer, attachSystem, TestSystem } from '@order-saga/shared/testing';
import { E2E_CLIENTS } from './e2e-stack';

let attached: TestSystem | undefined;
/** The system the suite's global setup started (e2e-stack.ts). */
export const system = (): TestSystem => (attached ??= attachSystem());

/** The services' own addresses, for what the public API does not show (payments, the webhook registry). */
export const urls = {
  inventory: () => system().urls['inventory-service'],
  payments: () => system().urls['payment-service'],
  notifications: () => system().urls['notification-service'],
};

export type Role = keyof typeof E2E_CLIENTS;

const clients = new Map<Role, OrderSagaClient>();
/**
 * The SDK as one of the suite's clients. One attempt per call: a test sees each answer as the gateway gave
 * it, never a retry's.
 */
export function sdkAs(role: Role): OrderSagaClient {
  let client = clients.get(role);
  if (!client) clients.set(role, (client = system().sdk(role, { retry: { maxAttempts: 1 } })));
  return client;
}

/** One call of the public API (`/api/v1` + `path`) as `role`, through the SDK, whatever the answer (see answerOf). */
export function apiCall<T = Record<string, unknown>>(
  role: Role,
  method: string,
  path: string,
  options: RequestOptions & { body?: unknown } = {},
): Promise<ApiAnswer<T>> {
  return answerOf<T>(sdkAs(role).send(method, `/api/v1${path}`, options));
}

/** A product of its own for one test, so tests never share stock. */
export async function createProduct(available: number, unitPrice = 10): Promise<string> {
  const productId = `SKU-E2E-${randomUUID().slice(0, 8)}`;
  return system().seed.product({ productId, name: `e2e ${productId}`, unitPrice, available });
}

export async function createCustomer(clientId: string, customerId = `CUST-${randomUUID().slice(0, 8)}`): Promise<string> {
  return system().seed.customer({ clientId, customerId, name: 'E2E customer' });
}

/** A product's stock as inventory-service holds it. */
export async function stockOf(productId: string): Promise<{ available: number; reserved: number }> {
  const { available, reserved } = await callService<{ available: number; reserved: number }>('GET', `${urls.inventory()}/products/${productId}`, undefined);
  return { available, reserved };
}

const DATABASES = { E2E_INVENTORY_DB: 'inventory-service', E2E_ORDER_DB: 'order-service', E2E_PAYMENT_DB: 'payment-service' } as const;

/** Runs one query against a service's own database, to check what the API does not show. */
export async function queryDatabase<T>(database: keyof typeof DATABASES, sql: string, params: unknown[] = []): Promise<T[]> {
  return system().query<T>(DATABASES[database], sql, params);
}

export const shippingAddress = { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };

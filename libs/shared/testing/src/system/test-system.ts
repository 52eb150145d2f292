import type { OperatorSignIn, ServiceName } from '@order-saga/infra';
import { RunningService } from '@order-saga/infra';
import { OrderSagaClient, OrderSagaClientOptions } from '@order-saga/sdk';
import { Client } from 'pg';
import { clientCredentialsToken } from '../client-token';
import { startExtraGateway } from '../test-gateway';
import { SeedCustomer, seedCustomer, SeedProduct, seedProduct } from './seed';

export interface RegisteredClient {
  id: string;
  secret: string;
  scopes: string[];
}

/**
 * Where a started system is and how to get in, as plain data: what a Jest global setup hands its test
 * files (publishSystem / attachSystem), which run in other module registries or processes.
 */
export interface SystemAddress {
  gatewayUrl: string;
  /** Of the first replica of each service. */
  urls: Record<ServiceName, string>;
  databaseUrls: Record<ServiceName, string>;
  kafkaBrokers: string;
  dataDir: string;
  logDir: string;
  jwtSigningKeysFile: string;
  /** The OAuth clients registered at start, by role; the first is the default. */
  clients: Record<string, RegisteredClient>;
  /** The console's operators created at start (startSystem's `operators`), by role; the first is the default. */
  operators?: Record<string, OperatorSignIn>;
}

/** A running system as a test uses it: addresses, SDK clients, seed helpers, one more gateway. */
export class TestSystem {
  readonly gatewayUrl: string;
  private defaultSdk: OrderSagaClient | undefined;

  constructor(readonly address: SystemAddress) {
    this.gatewayUrl = address.gatewayUrl;
  }

  /** The SDK, as the default client (the first registered). */
  get api(): OrderSagaClient {
    return (this.defaultSdk ??= this.sdk());
  }

  get urls(): Record<ServiceName, string> {
    return this.address.urls;
  }

  get databaseUrls(): Record<ServiceName, string> {
    return this.address.databaseUrls;
  }

  /** A registered client by role (the default one without a role). */
  client(role?: string): RegisteredClient {
    const clients = this.address.clients;
    const client = role === undefined ? Object.values(clients)[0] : clients[role];
    if (!client)
      throw new Error(`no OAuth client ${role === undefined ? '' : `'${role}' `}was registered (roles: ${Object.keys(clients).join(', ') || 'none'})`);
    return client;
  }

  /** An operator's sign-in by role (the default one without a role): POST it to /api/v1/operator/session. */
  operator(role?: string): OperatorSignIn {
    const operators = this.address.operators ?? {};
    const operator = role === undefined ? Object.values(operators)[0] : operators[role];
    if (!operator) throw new Error(`no operator ${role === undefined ? '' : `'${role}' `}was created (roles: ${Object.keys(operators).join(', ') || 'none'})`);
    return operator;
  }

  /** A new SDK client of the gateway as `role`'s client, with all its scopes unless `options` says otherwise. */
  sdk(role?: string, options: Partial<OrderSagaClientOptions> = {}): OrderSagaClient {
    const client = this.client(role);
    return new OrderSagaClient({ baseUrl: this.gatewayUrl, clientId: client.id, clientSecret: client.secret, scope: client.scopes.join(' '), ...options });
  }

  /** A client-credentials token of `role`'s client from the gateway (its own scopes unless `scope` names some). */
  token(role?: string, scope?: string): Promise<string> {
    const client = this.client(role);
    return clientCredentialsToken(this.gatewayUrl, client, { scope });
  }

  readonly seed = {
    /** A product of its own (see seedProduct); resolves with its id. */
    product: (product: SeedProduct): Promise<string> => seedProduct(this.urls['inventory-service'], product),
    /** A customer of a client (the default client's unless given); resolves with its id. */
    customer: (customer: Partial<SeedCustomer> = {}): Promise<string> =>
      seedCustomer(this.urls['order-service'], { ...customer, clientId: customer.clientId ?? this.client().id }),
  };

  /** Runs one query on a service's own database, to see what the API does not show. */
  async query<T>(service: ServiceName, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrls[service] });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /**
   * One more gateway process in front of the same database and services, unthrottled like the system's own
   * but for `env` (small limits, another key file, a dead Redis…). Stop it with stopService.
   */
  startGateway(name: string, env: Record<string, string> = {}): Promise<RunningService> {
    return startExtraGateway({
      name,
      databaseUrl: this.databaseUrls.gateway,
      jwtSigningKeysFile: this.address.jwtSigningKeysFile,
      orderServiceUrl: this.urls['order-service'],
      inventoryServiceUrl: this.urls['inventory-service'],
      notificationServiceUrl: this.urls['notification-service'],
      paymentServiceUrl: this.urls['payment-service'],
      logDir: this.address.logDir,
      env,
    });
  }
}

const SYSTEM_VARIABLE = 'ORDER_SAGA_SYSTEM';

/** Hands the system to the test files of this run (Jest workers inherit the environment of its global setup). */
export function publishSystem(system: TestSystem, env: NodeJS.ProcessEnv = process.env): void {
  env[SYSTEM_VARIABLE] = JSON.stringify(system.address);
}

/** The system a global setup published, in a test file. */
export function attachSystem(env: NodeJS.ProcessEnv = process.env): TestSystem {
  const published = env[SYSTEM_VARIABLE];
  if (!published) throw new Error(`${SYSTEM_VARIABLE} is not set: run the suite through its Nx target (its global setup starts the system) or npm test`);
  return new TestSystem(JSON.parse(published) as SystemAddress);
}

import { attachSystem, publishSystem, SystemAddress, TestSystem } from './test-system';

const address: SystemAddress = {
  gatewayUrl: 'http://127.0.0.1:3000',
  urls: {
    gateway: 'http://127.0.0.1:3000',
    'order-service': 'http://127.0.0.1:3001',
    'inventory-service': 'http://127.0.0.1:3002',
    'payment-service': 'http://127.0.0.1:3003',
    'notification-service': 'http://127.0.0.1:3004',
  },
  databaseUrls: {
    gateway: 'postgres://postgres@127.0.0.1:5432/t_gateway',
    'order-service': 'postgres://postgres@127.0.0.1:5432/t_orders',
    'inventory-service': 'postgres://postgres@127.0.0.1:5432/t_inventory',
    'payment-service': 'postgres://postgres@127.0.0.1:5432/t_payments',
    'notification-service': 'postgres://postgres@127.0.0.1:5432/t_notifications',
  },
  kafkaBrokers: '127.0.0.1:9092',
  dataDir: '/tmp/t',
  logDir: '/tmp/t/logs',
  jwtSigningKeysFile: '/tmp/t/jwt-signing-keys.json',
  clients: {
    writer: { id: 'w', secret: 'ws', scopes: ['read', 'write'] },
    reader: { id: 'r', secret: 'rs', scopes: ['read'] },
  },
};

describe('TestSystem', () => {
  it('hands a global setup’s system to a test file through the environment, addresses and clients intact', () => {
    const env: NodeJS.ProcessEnv = {};
    publishSystem(new TestSystem(address), env);

    expect(attachSystem(env).address).toEqual(address);
  });

  it('says how to start the system when a test file runs without one', () => {
    expect(() => attachSystem({})).toThrow(/ORDER_SAGA_SYSTEM is not set: run the suite through its Nx target/);
  });

  it('takes the first registered client as the default, and names the roles when asked for an unknown one', () => {
    const system = new TestSystem(address);

    expect(system.client()).toEqual(address.clients.writer);
    expect(system.client('reader').scopes).toEqual(['read']);
    expect(() => system.client('admin')).toThrow("no OAuth client 'admin' was registered (roles: writer, reader)");
  });

  it('takes the first created operator as the default, and says when none was created', () => {
    const withOperators = new TestSystem({ ...address, operators: { console: { username: 'ops@example.com', password: 'pw-of-24-characters-xxxx' } } });

    expect(withOperators.operator()).toEqual({ username: 'ops@example.com', password: 'pw-of-24-characters-xxxx' });
    expect(withOperators.operator('console').username).toBe('ops@example.com');
    expect(() => new TestSystem(address).operator()).toThrow('no operator was created (roles: none)');
  });

  it("gives an SDK client of the gateway as a role's client, asking for all of its scopes", async () => {
    const asked: { url: string; body: string }[] = [];
    const fetch = async (input: string | URL | Request, init?: RequestInit) => {
      asked.push({ url: String(input), body: String(init?.body ?? '') });
      return String(input).endsWith('/oauth/token')
        ? Response.json({ access_token: 'token', token_type: 'Bearer', expires_in: 3600 })
        : Response.json({ data: [], pagination: { limit: 1, has_more: false, next_cursor: null } });
    };

    await new TestSystem(address).sdk('reader', { fetch }).listProducts({ limit: 1 });

    expect(asked.map(({ url }) => url)).toEqual(['http://127.0.0.1:3000/oauth/token', 'http://127.0.0.1:3000/api/v1/products?limit=1']);
    expect(Object.fromEntries(new URLSearchParams(asked[0].body))).toMatchObject({ client_id: 'r', client_secret: 'rs', scope: 'read' });
  });
});

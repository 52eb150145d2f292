import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookEvent } from '@order-saga/contracts';
import { createCertificateAuthority, DEMO, KAFKA_SERVICES, RunningService, seedDemoData, waitUntilReady } from '@order-saga/infra';
import { OrderSagaClient } from '@order-saga/sdk';
import { checkKafkaAccess, KafkaAccessError, kafkaSecurityConfigFrom } from '@order-saga/shared/messaging';
import { answerOf, pollUntil, RunningSystem, startSystem, WebhookRecorder } from '@order-saga/shared/testing';
import { shippingAddress } from './support/api';

/**
 * The seed's scenarios on a broker that only has a SASL_SSL listener (SCRAM-SHA-512, a CA and certificates
 * made for the run) and a mutual-TLS one, with ACLs enforced: each service connects as its own SCRAM user
 * holding exactly the ACLs of its KafkaUser in k8s/components/kafka-security. A system of its own
 * (startSystem's kafkaSecurity), next to the suite's plaintext one.
 */
describe('the saga on a SASL_SSL broker, each service as its own SCRAM user with its KafkaUser ACLs', () => {
  const receiver = new WebhookRecorder();
  // Set by the first beforeAll; a failed start fails every test before any of them reads these.
  let system: RunningSystem;
  /** The demo client, one attempt per call: each answer as the gateway gave it. */
  let api: OrderSagaClient;

  beforeAll(async () => {
    system = await startSystem({
      name: 'e2e-sasl',
      databasePrefix: `${process.env.ORDER_SAGA_E2E_DB_PREFIX ?? 'order_saga_e2e'}_sasl`,
      kafkaSecurity: 'sasl_ssl',
      clients: { demo: { id: DEMO.clientId, scopes: ['read', 'write'] } },
    });
    const urls = system.urls;
    await seedDemoData(
      { inventory: urls['inventory-service'], orders: urls['order-service'], notifications: urls['notification-service'] },
      `${await receiver.start()}/hooks`,
    );
    api = system.sdk('demo', { retry: { maxAttempts: 1 } });
  }, 150_000);

  afterAll(async () => {
    await receiver.stop();
    await system?.stop();
  });

  const placeOrder = (body: unknown) => answerOf(api.send('POST', '/api/v1/orders', { body }));

  it('happy path: 201 confirmed, and notification-service delivers the order.created webhook', async () => {
    const response = await placeOrder({ customer_id: DEMO.customerId, items: [{ product_id: 'SKU-001', quantity: 2 }], shipping_address: shippingAddress });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'confirmed', total_amount: 59.98 });
    await pollUntil(
      async () =>
        receiver.requests.find((request) => {
          const event = JSON.parse(request.rawBody.toString()) as WebhookEvent;
          return event.event_type === 'order.created' && event.data.object_id === response.body.order_id;
        }),
      { description: `the order.created webhook of ${String(response.body.order_id)}` },
    );
    // Every service logged how it got in: over SASL_SSL, as its own user.
    for (const service of KAFKA_SERVICES) {
      expect(readFileSync(system.services.replicas[service][0].logFile, 'utf8')).toContain(`Kafka let this service in: SASL_SSL, SCRAM-SHA-512 as ${service}`);
    }
  });

  it('payment declined: 402 PAYMENT_FAILED, the reservation released', async () => {
    const before = await api.getProduct('SKU-002');

    const response = await placeOrder({ customer_id: DEMO.decliningCustomerId, items: [{ product_id: 'SKU-002', quantity: 3 }] });

    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({ error_code: 'PAYMENT_FAILED', decline_code: 'card_declined' });
    await expect(api.getProduct('SKU-002')).resolves.toEqual(expect.objectContaining({ available: before.available, reserved: before.reserved }));
  });

  it('out of stock: 409 INSUFFICIENT_INVENTORY, nothing reserved', async () => {
    const response = await placeOrder({ customer_id: DEMO.customerId, items: [{ product_id: 'SKU-003', quantity: 1 }] });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error_code: 'INSUFFICIENT_INVENTORY' });
    await expect(api.getProduct('SKU-003')).resolves.toEqual(expect.objectContaining({ available: 0, reserved: 0 }));
  });

  it('connects with mutual TLS and with SASL/PLAIN over TLS, and names the settings a refused client certificate needs', async () => {
    const { infra } = system;
    const security = infra.kafkaSecurity;
    if (!security) throw new Error('the launcher started the broker without its SASL_SSL security');
    const tls = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: security.ca.certFile };
    const mutualTls = kafkaSecurityConfigFrom({ ...tls, KAFKA_SSL_CERT_FILE: security.clientCertFile, KAFKA_SSL_KEY_FILE: security.clientKeyFile });
    const plain = kafkaSecurityConfigFrom({ ...infra.kafkaClientEnv('payment-service'), KAFKA_SASL_MECHANISM: 'PLAIN' });

    await expect(checkKafkaAccess('e2e-mtls', [security.mutualTlsBrokers], mutualTls)).resolves.toBeUndefined();
    await expect(checkKafkaAccess('e2e-plain', [infra.kafkaBrokers], plain)).resolves.toBeUndefined();
    const refused = checkKafkaAccess('e2e-no-client-certificate', [security.mutualTlsBrokers], kafkaSecurityConfigFrom(tls));
    await expect(refused).rejects.toBeInstanceOf(KafkaAccessError);
    await expect(refused).rejects.toThrow(/wants a client certificate: set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE/);
  });

  describe('a service whose Kafka settings the broker refuses stops at boot, naming the setting', () => {
    let wrongPassword: RunningService;
    let untrustedCa: RunningService;

    /** One more inventory-service with the system's settings but for `kafka`, not waited for; both boot at once to save time. */
    const spawnInventory = (name: string, kafka: Record<string, string>) =>
      system.startService('inventory-service', { name, env: kafka, waitUntilReady: false });
    const bootFailure = async (service: RunningService) => {
      await expect(waitUntilReady(service, 60_000)).rejects.toThrow(`${service.spec.name} exited with code 1 while starting`);
      return readFileSync(service.logFile, 'utf8');
    };

    beforeAll(async () => {
      const { dataDir } = system.address;
      const wrongPasswordFile = join(dataDir, 'wrong.password');
      writeFileSync(wrongPasswordFile, 'not-the-password\n');
      const stranger = await createCertificateAuthority(join(dataDir, 'stranger-ca'), 'stranger', 'a CA that signed nothing of this broker');
      wrongPassword = await spawnInventory('inventory-service-wrong-password', { KAFKA_SASL_PASSWORD_FILE: wrongPasswordFile });
      untrustedCa = await spawnInventory('inventory-service-untrusted-ca', { KAFKA_SSL_CA_FILE: stranger.certFile });
    });

    it('a wrong SCRAM password: KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD_FILE', async () => {
      expect(await bootFailure(wrongPassword)).toContain(
        'inventory-service failed to start: Kafka rejected the SASL credentials of user "inventory-service" (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD_FILE): ',
      );
    });

    it("a CA that did not sign the broker's certificate: KAFKA_SSL_CA_FILE", async () => {
      expect(await bootFailure(untrustedCa)).toContain(
        `inventory-service failed to start: the broker's certificate at ${system.infra.kafkaBrokers} is not trusted by KAFKA_SSL_CA_FILE (${join(system.address.dataDir, 'stranger-ca', 'stranger.pem')}): `,
      );
    });
  });
});

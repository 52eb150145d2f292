import { allTopics, TOPIC_PARTITIONS } from '@order-saga/contracts';
import { composeSchemaErrors, parseCompose, readComposeFile } from './compose';
import { SERVICES, serviceConfigVars } from './service-config-vars';

const compose = readComposeFile();
const services = compose.services;

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  it('runs Kafka from the official Apache image in KRaft mode, PostgreSQL and Redis', () => {
    expect(services.kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(services.postgres.image).toMatch(/^postgres:/);
    expect(services.redis.image).toMatch(/^redis:/);
  });

  it('runs all five services and the demo webhook receiver, each with a healthcheck', () => {
    for (const name of [...SERVICES, 'webhook-receiver', 'kafka', 'postgres', 'redis']) {
      expect(services[name]?.healthcheck?.test).toBeDefined();
    }
  });

  it('publishes only the gateway', () => {
    const published = Object.entries(services).filter(([, service]) => service.ports?.length).map(([name]) => name);
    expect(published).toEqual(['gateway']);
  });

  it('starts each service after its migrations completed and after the services it needs are healthy', () => {
    for (const name of SERVICES) {
      const dependsOn = services[name].depends_on as Record<string, { condition: string }>;
      for (const [dependency, { condition }] of Object.entries(dependsOn)) {
        expect(services[dependency]).toBeDefined();
        expect(condition).toBe(services[dependency].healthcheck ? 'service_healthy' : 'service_completed_successfully');
      }
      expect(dependsOn[`migrate-${name}`]?.condition).toBe('service_completed_successfully');
    }
    expect(services['migrate-gateway'].depends_on.postgres.condition).toBe('service_healthy');
  });

  it.each(SERVICES)('gives %s every variable its config requires', (name) => {
    const environment = services[name].environment as Record<string, string>;
    const missing = serviceConfigVars(name).filter((variable) => variable.required && !(variable.name in environment));
    expect(missing.map((variable) => variable.name)).toEqual([]);
  });

  it('creates every topic of the contracts library with its partition count', () => {
    const init = services['kafka-topics'].environment as Record<string, string>;
    expect(init.TOPICS.split(/\s+/).sort()).toEqual([...allTopics()].sort());
    expect(Number(init.PARTITIONS)).toBe(TOPIC_PARTITIONS);
  });

  it('rejects a file with a misspelt service key or an unknown depends_on condition', () => {
    const broken = parseCompose(`
services:
  web:
    imagee: nginx
    depends_on:
      db: { condition: service_ready }
  db:
    image: postgres
`);
    const errors = composeSchemaErrors(broken).join('\n');
    expect(errors).toMatch(/additional properties.*imagee/);
    expect(errors).toMatch(/allowed values/);
  });
});

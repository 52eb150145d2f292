import { allTopics, TOPIC_PARTITIONS } from '@order-saga/contracts';
import { composeSchemaErrors, parseCompose, readComposeFile } from './compose';
import { SERVICES, serviceConfigVars } from './service-config-vars';

const compose = readComposeFile();
const services = compose.services;
/** The `infra` profile's services, left out of a plain `docker compose up`. */
const INFRA_PROFILE = ['infra-kafka', 'infra-postgres', 'infra-redis', 'infra'];
const platform = Object.fromEntries(Object.entries(services).filter(([, service]) => !service.profiles));

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
    for (const name of [...SERVICES, 'webhook-receiver', 'kafka', 'postgres', 'redis', 'infra-kafka', 'infra-postgres', 'infra-redis']) {
      expect(services[name]?.healthcheck?.test).toBeDefined();
    }
  });

  it('publishes only the gateway from the platform (services outside any profile)', () => {
    const published = Object.entries(platform)
      .filter(([, service]) => service.ports?.length)
      .map(([name]) => name);
    expect(published).toEqual(['gateway']);
  });

  it('keeps the infra profile to Kafka, PostgreSQL, Redis and the topic creator, none needed by the platform', () => {
    const profiled = Object.entries(services)
      .filter(([, service]) => service.profiles)
      .map(([name]) => name);
    expect(profiled.sort()).toEqual([...INFRA_PROFILE].sort());
    for (const name of INFRA_PROFILE) expect(services[name].profiles).toEqual(['infra']);
    for (const service of Object.values(platform)) {
      expect(Object.keys(service.depends_on ?? {}).filter((dependency) => INFRA_PROFILE.includes(dependency))).toEqual([]);
    }
  });

  it('publishes the infra profile on 127.0.0.1 only, Kafka advertising the published address to the host', () => {
    expect(services['infra-kafka'].ports).toEqual(['127.0.0.1:${INFRA_KAFKA_PORT:-9092}:9092']);
    expect(services['infra-postgres'].ports).toEqual(['127.0.0.1:${INFRA_POSTGRES_PORT:-5432}:5432']);
    expect(services['infra-redis'].ports).toEqual(['127.0.0.1:${INFRA_REDIS_PORT:-6379}:6379']);
    const kafka = services['infra-kafka'].environment as Record<string, string>;
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toContain('HOST://127.0.0.1:${INFRA_KAFKA_PORT:-9092}');
    // The topic creator is a container: it must reach the broker on the listener that advertises a compose name.
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toContain(`INTERNAL://${services.infra.environment.BOOTSTRAP}`);
    expect(Object.entries(services.infra.depends_on)).toEqual(
      ['infra-kafka', 'infra-postgres', 'infra-redis'].map((name) => [name, { condition: 'service_healthy' }]),
    );
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

  it.each(['kafka-topics', 'infra'])('creates every topic of the contracts library with its partition count (%s)', (name) => {
    const init = services[name].environment as Record<string, string>;
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

import { INestApplication, Type } from '@nestjs/common';
import { CustomStrategy } from '@nestjs/microservices';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { createTestDatabase, TestDatabase } from './test-database';

/** The broker `npm test` started (KAFKA_BROKERS); a spec that needs Kafka fails at once without it. */
export function testKafkaBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this suite through `npm test`, or start `npm run infra` first');
  return brokers;
}

export interface ServiceUnderTestOptions {
  /** Names the throwaway database (see createTestDatabase). */
  name: string;
  /**
   * The service's root module. Loaded only once the environment is set, since a service validates its
   * config as its module is imported: `() => import('../../app.module').then((m) => m.AppModule)`.
   */
  module: () => Promise<Type<unknown>>;
  /** The service's settings on top of its own DATABASE_URL, PORT=0 and LOG_LEVEL=silent. */
  env?: Record<string, string>;
  /** Replaces providers, e.g. a payment provider that records what it is asked. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

export interface ServiceUnderTest {
  database: TestDatabase;
  /**
   * Boots one instance (a replica) of the service in this process. With `consumer` (shared-messaging's
   * kafkaConsumerOptions), its Kafka consumers run too; the spec waits for their group to be stable.
   */
  boot(consumer?: CustomStrategy): Promise<INestApplication>;
  /** Closes every instance, the newest first, and drops the database. */
  stop(): Promise<void>;
}

/**
 * One service's Nest module on a throwaway database of its own, for integration specs on real PostgreSQL
 * (and Kafka): the database is created here, the process environment is pointed at it, and `boot()` starts
 * instances of the module.
 */
export async function startServiceUnderTest({ name, module, env = {}, override = (builder) => builder }: ServiceUnderTestOptions): Promise<ServiceUnderTest> {
  const database = await createTestDatabase(name);
  // process.env: the services read their config there, and only there (libs/shared/config).
  Object.assign(process.env, { DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', ...env });
  const apps: INestApplication[] = [];
  return {
    database,
    async boot(consumer) {
      const moduleRef = await override(Test.createTestingModule({ imports: [await module()] })).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      apps.push(app);
      if (consumer) app.connectMicroservice(consumer, { inheritAppConfig: true });
      await app.init();
      if (consumer) await app.startAllMicroservices();
      return app;
    },
    async stop() {
      for (const app of apps.splice(0).reverse()) await app.close();
      await database.drop();
    },
  };
}

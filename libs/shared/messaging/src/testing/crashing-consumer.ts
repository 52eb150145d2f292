/**
 * A consumer process for the crash tests of outbox-and-inbox.integration.spec.ts: the production
 * consumer settings (kafkaConsumerOptions) and MessageProcessor, plus a way to die by SIGKILL at a
 * chosen point for one chosen counter (CRASH_ON + CRASH_AT=in-transaction|after-commit).
 * Every delivery is logged in `delivery` outside any transaction, so the test can see redeliveries.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { TopicName } from '@order-saga/contracts';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { kafkaConsumerOptions } from '../kafka-microservice';
import { MessageProcessor } from '../message-processor';
import { MessagingModule } from '../messaging.module';
import { addToCounter, CountMe, countMeOn } from './count-me.message';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const topic = env('CRASH_TOPIC') as TopicName;
const group = env('CRASH_GROUP');
const crashOn = process.env.CRASH_ON;
const crashAt = process.env.CRASH_AT;

const COUNT_ME = countMeOn(topic);

@Controller()
class CrashingConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly dataSource: DataSource,
  ) {}

  @EventPattern(topic)
  async onCountMe(@Ctx() context: KafkaContext): Promise<void> {
    const raw = JSON.parse(String(context.getMessage().value)) as { messageId: string; payload: CountMe };
    await this.dataSource.query('INSERT INTO delivery (message_id, counter) VALUES ($1, $2)', [raw.messageId, raw.payload.counter]);
    await this.processor.process({
      consumer: `${group}.count-me`,
      context,
      accepts: [COUNT_ME],
      handle: async (envelope, manager) => {
        await addToCounter(manager, envelope.payload);
        // Dies with the effect and the inbox row written but not committed.
        if (envelope.payload.counter === crashOn && crashAt === 'in-transaction') process.kill(process.pid, 'SIGKILL');
      },
    });
    // Dies after the transaction committed, before kafkajs could commit the offset.
    if (raw.payload.counter === crashOn && crashAt === 'after-commit') process.kill(process.pid, 'SIGKILL');
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ DATABASE_URL: env('DATABASE_URL'), KAFKA_BROKERS: env('KAFKA_BROKERS') })] }),
    LoggerModule.forRoot({ pinoHttp: { level: 'warn' } }),
    DatabaseModule.forRoot({ entities: [], migrations: [] }),
    MessagingModule.forRoot(group),
  ],
  controllers: [CrashingConsumer],
})
class CrashingConsumerModule {}

void (async () => {
  const app = await NestFactory.create(CrashingConsumerModule, { logger: ['error'] });
  app.connectMicroservice(kafkaConsumerOptions(group, env('KAFKA_BROKERS')), { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
})();

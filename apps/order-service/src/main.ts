import 'reflect-metadata';
import { createServiceApp, startServiceApp } from '@order-saga/shared/http';
import { kafkaConsumerOptions } from '@order-saga/shared/messaging';
import { AppModule, SERVICE_NAME } from './app.module';
import { OrderServiceConfig } from './config/order-service.config';

async function main(): Promise<void> {
  const app = await createServiceApp(AppModule);
  const config = app.get(OrderServiceConfig);
  app.connectMicroservice(kafkaConsumerOptions(SERVICE_NAME, config.KAFKA_BROKERS), { inheritAppConfig: true });
  await startServiceApp(app, config.PORT);
}

void main();

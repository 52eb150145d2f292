import 'reflect-metadata';
import { createServiceApp, startServiceApp } from '@order-saga/shared/http';
import { kafkaConsumerOptions } from '@order-saga/shared/messaging';
import { AppModule, SERVICE_NAME } from './app.module';
import { NotificationServiceConfig } from './config/notification-service.config';

async function main(): Promise<void> {
  const app = await createServiceApp(AppModule);
  const config = app.get(NotificationServiceConfig);
  app.connectMicroservice(kafkaConsumerOptions(SERVICE_NAME, config.KAFKA_BROKERS), { inheritAppConfig: true });
  await startServiceApp(app, config.PORT);
}

void main();

// First: the tracing instrumentations patch pg, ioredis, kafkajs, undici and http before anything loads them.
import '@order-saga/shared/observability/instrument';
import 'reflect-metadata';
import { runKafkaService } from '@order-saga/shared/messaging';
import { AppModule, SERVICE_NAME } from './app.module';
import { InventoryServiceConfig } from './config/inventory-service.config';

runKafkaService(AppModule, SERVICE_NAME, InventoryServiceConfig);

import 'reflect-metadata';
import { runKafkaService } from '@order-saga/shared/messaging';
import { AppModule, SERVICE_NAME } from './app.module';
import { InventoryServiceConfig } from './config/inventory-service.config';

runKafkaService(AppModule, SERVICE_NAME, InventoryServiceConfig);

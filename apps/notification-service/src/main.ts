import 'reflect-metadata';
import { runKafkaService } from '@order-saga/shared/messaging';
import { AppModule, SERVICE_NAME } from './app.module';
import { NotificationServiceConfig } from './config/notification-service.config';

runKafkaService(AppModule, SERVICE_NAME, NotificationServiceConfig);

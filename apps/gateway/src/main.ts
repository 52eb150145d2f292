// First: the tracing instrumentations patch pg, ioredis, kafkajs, undici and http before anything loads them.
import '@order-saga/shared/observability/instrument';
import 'reflect-metadata';
import { startServiceApp } from '@order-saga/shared/http';
import { GatewayConfig } from './config/gateway.config';
import { createGatewayApp } from './gateway-app';

async function main(): Promise<void> {
  const app = await createGatewayApp();
  await startServiceApp(app, app.get(GatewayConfig).PORT);
}

void main();

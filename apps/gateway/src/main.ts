import 'reflect-metadata';
import { startServiceApp } from '@order-saga/shared/http';
import { GatewayConfig } from './config/gateway.config';
import { createGatewayApp } from './gateway-app';

async function main(): Promise<void> {
  const app = await createGatewayApp();
  await startServiceApp(app, app.get(GatewayConfig).PORT);
}

void main();

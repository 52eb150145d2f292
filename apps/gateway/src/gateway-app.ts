import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp } from '@order-saga/shared/http';
import { AppModule } from './app.module';

/** The service app plus what the public edge needs on top of it. */
export async function createGatewayApp(): Promise<INestApplication> {
  const app = await createServiceApp(AppModule);
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // Registered before init, it takes the place of Nest's default form parser, whose `extended` mode
  // nests `a[b]=c` into objects; OAuth token requests only have flat parameters.
  express.useBodyParser('urlencoded', { extended: false, limit: '8kb' });
  return app;
}

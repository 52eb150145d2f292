import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { createServiceApp } from '@order-saga/shared/http';
import { pinoLoggerFor } from '@order-saga/shared/logging';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { consoleAssets } from './console/serve-console';
import { API_VERSION } from './auth/api-v1-controller';
import { GatewayConfig } from './config/gateway.config';
import { openApiDocument } from './openapi/openapi-document';
import { OperatorAuditMiddleware } from './operators/audit/operator-audit.middleware';
import { OPERATOR_ROUTES_PATH } from './operators/operator-route';

/** The service app plus what the public edge needs on top of it. */
export async function createGatewayApp(): Promise<INestApplication> {
  // The form parser's `extended` mode would nest `a[b]=c` into objects; OAuth token requests only have flat parameters.
  const app = await createServiceApp(AppModule, { jsonBodies: 'on-demand', urlencoded: { extended: false, limit: '8kb' } });
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // The version is in the path too; the header lets a client log which version answered, errors included.
  express.use((_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('API-Version', API_VERSION);
    next();
  });
  const { TRUSTED_PROXY_HOPS, CONSOLE_DIR } = app.get(GatewayConfig);
  // request.ip becomes the address the proxies in front report (the operator sign-in limit counts per address).
  if (TRUSTED_PROXY_HOPS > 0) express.set('trust proxy', TRUSTED_PROXY_HOPS);
  // Before the routes: it holds the end of every state-changing operator answer until its audit entry is written.
  express.use(OPERATOR_ROUTES_PATH, app.get(OperatorAuditMiddleware).handler());
  const operatorConsole = consoleAssets(CONSOLE_DIR);
  if (!operatorConsole.built) {
    const logger = await pinoLoggerFor(app, 'OperatorConsole');
    logger.warn({ directory: operatorConsole.directory }, 'the operator console is not built (npx nx run console:build): /console/ answers 404 until it is');
  }
  express.use(operatorConsole.router);
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { JsonBodyReader, jsonStructureLimitsFromEnv } from '@order-saga/shared/http';
import { LoggingModule } from '@order-saga/shared/logging';
import { ObservabilityModule } from '@order-saga/shared/observability';
import { externalIdpSettingsOf, GatewayConfig } from './config/gateway.config';
import { GATEWAY_MIGRATIONS } from './database/migrations';
import { AccessTokens } from './oauth/access-tokens';
import { IssueTokenHandler } from './oauth/issue-token/issue-token.handler';
import { IssueTokenHttpController } from './oauth/issue-token/issue-token.http.controller';
import { OAuthClient } from './oauth/oauth-client.entity';
import { OAuthClientRepository } from './oauth/oauth-client.repository';
import { SecretCheckGate } from './oauth/secret-check-gate';
import { SecretCheckMetrics } from './oauth/secret-checks.metrics';
import { PublishJwksHttpController } from './oauth/publish-jwks/publish-jwks.http.controller';
import { loadSigningKeySet } from './oauth/signing-keys/signing-keys';
import { GetOrderHttpController } from './orders/get-order/get-order.http.controller';
import { PlaceOrderHttpController } from './orders/place-order/place-order.http.controller';
import { TrackOrderHttpController } from './orders/track-order/track-order.http.controller';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { InventoryServiceProxy, NotificationServiceProxy, OrderServiceProxy, PaymentServiceProxy } from './upstream/upstream-proxies';
import { JSON_BODY_LIMIT } from './upstream/upstream-service.proxy';
import { UpstreamMetrics } from './upstream/upstream.metrics';
import { CreateCustomerHttpController } from './customers/create-customer/create-customer.http.controller';
import { DeactivateCustomerHttpController } from './customers/deactivate-customer/deactivate-customer.http.controller';
import { GetCustomerHttpController } from './customers/get-customer/get-customer.http.controller';
import { ListCustomersHttpController } from './customers/list-customers/list-customers.http.controller';
import { ListOrdersHttpController } from './orders/list-orders/list-orders.http.controller';
import { AdjustStockHttpController } from './products/adjust-stock/adjust-stock.http.controller';
import { GetProductHttpController } from './products/get-product/get-product.http.controller';
import { ListProductsHttpController } from './products/list-products/list-products.http.controller';
import { UpsertProductHttpController } from './products/upsert-product/upsert-product.http.controller';
import { SearchOrdersHttpController } from './search/search-orders/search-orders.http.controller';
import { WEBHOOK_CONTROLLERS } from './webhooks/webhooks.controllers';
import { OperatorAccount } from './operators/accounts/operator-account.entity';
import { OperatorAccountRepository } from './operators/accounts/operator-account.repository';
import { OperatorAuditMiddleware } from './operators/audit/operator-audit.middleware';
import { OperatorAuditRepository } from './operators/audit/operator-audit.repository';
import { DeadLettersProxy } from './operators/dead-letters/dead-letters.proxy';
import { Clock } from './operators/clock';
import { OPERATOR_CONTROLLERS } from './operators/operators.controllers';
import { OperatorSessionGuard } from './operators/sessions/operator-session.guard';
import { OperatorSessionRepository } from './operators/sessions/operator-session.repository';
import { SignInLimits } from './operators/sessions/sign-in/sign-in-limits';
import { SignInHandler } from './operators/sessions/sign-in/sign-in.handler';
import { GATEWAY_REDIS } from './rate-limit/rate-limit.tokens';
import type Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';

export const SERVICE_NAME = 'gateway';

@Module({
  imports: [
    TypedConfigModule.forRoot(GatewayConfig),
    LoggingModule.forRoot(SERVICE_NAME),
    ObservabilityModule.forRoot(SERVICE_NAME),
    DatabaseModule.forRoot({ entities: [OAuthClient, OperatorAccount], migrations: GATEWAY_MIGRATIONS }),
    RateLimitModule,
  ],
  controllers: [
    ...WEBHOOK_CONTROLLERS,
    ListOrdersHttpController,
    SearchOrdersHttpController,
    CreateCustomerHttpController,
    ListCustomersHttpController,
    GetCustomerHttpController,
    DeactivateCustomerHttpController,
    ListProductsHttpController,
    GetProductHttpController,
    UpsertProductHttpController,
    AdjustStockHttpController,
    IssueTokenHttpController,
    PublishJwksHttpController,
    PlaceOrderHttpController,
    GetOrderHttpController,
    TrackOrderHttpController,
    ...OPERATOR_CONTROLLERS,
  ],
  providers: [
    {
      provide: AccessTokens,
      inject: [GatewayConfig],
      useFactory: async (config: GatewayConfig) =>
        new AccessTokens({
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
          ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
          keys: await loadSigningKeySet(config.JWT_SIGNING_KEYS_FILE),
          external: externalIdpSettingsOf(config),
        }),
    },
    {
      provide: SecretCheckGate,
      inject: [GatewayConfig, SecretCheckMetrics],
      useFactory: (config: GatewayConfig, metrics: SecretCheckMetrics) =>
        new SecretCheckGate(config.OAUTH_SECRET_CHECKS_RUNNING, config.OAUTH_SECRET_CHECKS_WAITING, metrics),
    },
    SecretCheckMetrics,
    UpstreamMetrics,
    OAuthClientRepository,
    IssueTokenHandler,
    // JSON bodies are read here, by the proxies, after the guards and the in-flight limit (gateway-app.ts).
    { provide: JsonBodyReader, useFactory: () => new JsonBodyReader({ limit: JSON_BODY_LIMIT, structure: jsonStructureLimitsFromEnv() }) },
    OrderServiceProxy,
    InventoryServiceProxy,
    NotificationServiceProxy,
    PaymentServiceProxy,
    DeadLettersProxy,
    Clock,
    OperatorAccountRepository,
    OperatorSessionRepository,
    OperatorSessionGuard,
    OperatorAuditRepository,
    OperatorAuditMiddleware,
    SignInHandler,
    {
      provide: SignInLimits,
      inject: [GATEWAY_REDIS, GatewayConfig, PinoLogger],
      useFactory: (redis: Redis, config: GatewayConfig, logger: PinoLogger) => SignInLimits.of(redis, config, logger),
    },
  ],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { ObservabilityModule } from '@order-saga/shared/observability';
import { DeadLettersModule, MessagingModule } from '@order-saga/shared/messaging';
import { PaymentServiceConfig } from './config/payment-service.config';
import { InitialSchema1763700000000 } from './database/migrations/1763700000000-initial-schema';
import { Refunds1763900000000 } from './database/migrations/1763900000000-refunds';
import { MessagingRetention1764200000000 } from './database/migrations/1764200000000-messaging-retention';
import { PaymentClaim1764300000000 } from './database/migrations/1764300000000-payment-claim';
import { DeadLetterOperations1764500000000 } from './database/migrations/1764500000000-dead-letter-operations';
import { ChargeOutcomeRepository } from './payments/charge-outcome.repository';
import { RefundPaymentConsumer } from './payments/refund-payment/refund-payment.consumer';
import { RefundPaymentHandler } from './payments/refund-payment/refund-payment.handler';
import { GetPaymentHttpController } from './payments/get-payment/get-payment.http.controller';
import { Payment } from './payments/payment.entity';
import { ProcessPaymentConsumer } from './payments/process-payment/process-payment.consumer';
import { ProcessPaymentHandler } from './payments/process-payment/process-payment.handler';
import { PaymentProvider } from './provider/payment-provider';
import { SandboxPaymentProvider } from './provider/sandbox-payment.provider';

export const SERVICE_NAME = 'payment-service';

@Module({
  imports: [
    TypedConfigModule.forRoot(PaymentServiceConfig),
    LoggingModule.forRoot(SERVICE_NAME),
    ObservabilityModule.forRoot(SERVICE_NAME),
    DatabaseModule.forRoot({
      entities: [Payment],
      migrations: [
        InitialSchema1763700000000,
        Refunds1763900000000,
        MessagingRetention1764200000000,
        PaymentClaim1764300000000,
        DeadLetterOperations1764500000000,
      ],
    }),
    MessagingModule.forRoot(SERVICE_NAME),
    DeadLettersModule,
  ],
  controllers: [ProcessPaymentConsumer, RefundPaymentConsumer, GetPaymentHttpController],
  providers: [
    ChargeOutcomeRepository,
    ProcessPaymentHandler,
    RefundPaymentHandler,
    {
      provide: PaymentProvider,
      inject: [PaymentServiceConfig],
      useFactory: (config: PaymentServiceConfig) => new SandboxPaymentProvider(config.SANDBOX_CHARGE_LIMIT_CENTS),
    },
  ],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { MessagingModule } from '@order-saga/shared/messaging';
import { PaymentServiceConfig } from './config/payment-service.config';
import { InitialSchema1763700000000 } from './database/migrations/1763700000000-initial-schema';
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
    DatabaseModule.forRoot({ entities: [Payment], migrations: [InitialSchema1763700000000] }),
    MessagingModule.forRoot(SERVICE_NAME),
  ],
  controllers: [ProcessPaymentConsumer, GetPaymentHttpController],
  providers: [
    ProcessPaymentHandler,
    {
      provide: PaymentProvider,
      inject: [PaymentServiceConfig],
      useFactory: (config: PaymentServiceConfig) => new SandboxPaymentProvider(config.SANDBOX_CHARGE_LIMIT_CENTS),
    },
  ],
})
export class AppModule {}

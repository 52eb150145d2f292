import { Module, Provider, Type } from '@nestjs/common';
import { BaseServiceConfig, TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { Customer } from '../customers/customer.entity';
import { InitialSchema1763700000000 } from '../database/migrations/1763700000000-initial-schema';
import { OrderResources1763800000000 } from '../database/migrations/1763800000000-order-resources';
import { SagaDeadlines1763900000000 } from '../database/migrations/1763900000000-saga-deadlines';
import { SagaOperatorActions1764400000000 } from '../database/migrations/1764400000000-saga-operator-actions';
import { OrderLine } from '../orders/order-line.entity';
import { Order } from '../orders/order.entity';
import { SagaInstance } from '../orders/place-order/saga-instance.entity';
import { SagaStep } from '../orders/place-order/saga-step.entity';

/**
 * order-service's saga tables and the given operator read routes, nothing else (no consumers, no sweeper,
 * so a stuck saga stays stuck), for the operator reads' integration specs. Built after the environment is
 * set: the config module validates it when the module is declared.
 */
export function sagaReadsModule(controllers: Type<unknown>[], providers: Provider[]): Type<unknown> {
  @Module({
    imports: [
      TypedConfigModule.forRoot(BaseServiceConfig),
      LoggingModule.forRoot('order-service'),
      DatabaseModule.forRoot({
        entities: [Customer, Order, OrderLine, SagaInstance, SagaStep],
        migrations: [InitialSchema1763700000000, OrderResources1763800000000, SagaDeadlines1763900000000, SagaOperatorActions1764400000000],
      }),
    ],
    controllers,
    providers,
  })
  class SagaReadsModule {}
  return SagaReadsModule;
}

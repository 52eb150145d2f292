import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { ObservabilityModule } from '@order-saga/shared/observability';
import { DeadLettersModule, MessagingModule } from '@order-saga/shared/messaging';
import { OrderServiceConfig } from './config/order-service.config';
import { Customer } from './customers/customer.entity';
import { UpsertCustomerHttpController } from './customers/upsert-customer/upsert-customer.http.controller';
import { InitialSchema1763700000000 } from './database/migrations/1763700000000-initial-schema';
import { OrderResources1763800000000 } from './database/migrations/1763800000000-order-resources';
import { SagaDeadlines1763900000000 } from './database/migrations/1763900000000-saga-deadlines';
import { MessagingRetention1764200000000 } from './database/migrations/1764200000000-messaging-retention';
import { SagaOperatorActions1764400000000 } from './database/migrations/1764400000000-saga-operator-actions';
import { DeadLetterOperations1764500000000 } from './database/migrations/1764500000000-dead-letter-operations';
import { RedundantOrderIndex1764600000000 } from './database/migrations/1764600000000-redundant-order-index';
import { SagaTimeoutsHandler } from './orders/place-order/saga-timeouts.handler';
import { GetSagaHttpController } from './sagas/get-saga/get-saga.http.controller';
import { ListSagasHttpController } from './sagas/list-sagas/list-sagas.http.controller';
import { OperateSagaHandler } from './sagas/operate-saga/operate-saga.handler';
import { OperateSagaHttpController } from './sagas/operate-saga/operate-saga.http.controller';
import { OperatorSagaRepository } from './sagas/operator-saga.repository';
import { SagaFiguresHttpController } from './sagas/saga-figures/saga-figures.http.controller';
import { SagaFiguresRepository } from './sagas/saga-figures/saga-figures.repository';
import { SagasInFlightMetrics } from './sagas/sagas-in-flight.metrics';
import { GetOrderHttpController } from './orders/get-order/get-order.http.controller';
import { OrderLine } from './orders/order-line.entity';
import { Order } from './orders/order.entity';
import { OrderOutcomeWaiter } from './orders/place-order/order-outcome.waiter';
import { PlaceOrderHandler } from './orders/place-order/place-order.handler';
import { PlaceOrderHttpController } from './orders/place-order/place-order.http.controller';
import { PlaceOrderSagaHandler } from './orders/place-order/place-order-saga.handler';
import { PlaceOrderSagaMetrics } from './orders/place-order/place-order-saga.metrics';
import { PlaceOrderSagaRepository } from './orders/place-order/place-order-saga.repository';
import { SagaInstance } from './orders/place-order/saga-instance.entity';
import { SagaRepliesConsumer } from './orders/place-order/saga-replies.consumer';
import { SagaStep } from './orders/place-order/saga-step.entity';
import { TrackOrderHttpController } from './orders/track-order/track-order.http.controller';
import { CreateCustomerHandler } from './customers/create-customer/create-customer.handler';
import { CreateCustomerHttpController } from './customers/create-customer/create-customer.http.controller';
import { CustomerRepository } from './customers/customer.repository';
import { DeactivateCustomerHttpController } from './customers/deactivate-customer/deactivate-customer.http.controller';
import { GetCustomerHttpController } from './customers/get-customer/get-customer.http.controller';
import { ListCustomersHttpController } from './customers/list-customers/list-customers.http.controller';
import { ListOrdersHttpController } from './orders/list-orders/list-orders.http.controller';
import { OrderPageRepository } from './orders/list-orders/order-page.repository';
import { SearchOrdersHttpController } from './orders/search-orders/search-orders.http.controller';

export const SERVICE_NAME = 'order-service';

@Module({
  imports: [
    TypedConfigModule.forRoot(OrderServiceConfig),
    LoggingModule.forRoot(SERVICE_NAME),
    ObservabilityModule.forRoot(SERVICE_NAME),
    DatabaseModule.forRoot({
      entities: [Customer, Order, OrderLine, SagaInstance, SagaStep],
      migrations: [
        InitialSchema1763700000000,
        OrderResources1763800000000,
        SagaDeadlines1763900000000,
        MessagingRetention1764200000000,
        SagaOperatorActions1764400000000,
        DeadLetterOperations1764500000000,
        RedundantOrderIndex1764600000000,
      ],
    }),
    MessagingModule.forRoot(SERVICE_NAME),
    DeadLettersModule,
  ],
  controllers: [
    ListSagasHttpController,
    // Before GetSagaHttpController: GET /sagas/figures would otherwise be GET /sagas/:orderId.
    SagaFiguresHttpController,
    GetSagaHttpController,
    OperateSagaHttpController,
    ListOrdersHttpController,
    SearchOrdersHttpController,
    CreateCustomerHttpController,
    ListCustomersHttpController,
    GetCustomerHttpController,
    DeactivateCustomerHttpController,
    UpsertCustomerHttpController,
    PlaceOrderHttpController,
    GetOrderHttpController,
    TrackOrderHttpController,
    SagaRepliesConsumer,
  ],
  providers: [
    SagasInFlightMetrics,
    OperatorSagaRepository,
    SagaFiguresRepository,
    OperateSagaHandler,
    PlaceOrderSagaMetrics,
    SagaTimeoutsHandler,
    OrderPageRepository,
    CustomerRepository,
    CreateCustomerHandler,
    PlaceOrderHandler,
    PlaceOrderSagaHandler,
    PlaceOrderSagaRepository,
    OrderOutcomeWaiter,
  ],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { ObservabilityModule } from '@order-saga/shared/observability';
import { DeadLettersModule, MessagingModule } from '@order-saga/shared/messaging';
import { InventoryServiceConfig } from './config/inventory-service.config';
import { INVENTORY_ENTITIES, INVENTORY_MIGRATIONS } from './database/schema';
import { ConfirmReservationConsumer } from './reservations/confirm-reservation/confirm-reservation.consumer';
import { ConfirmReservationHandler } from './reservations/confirm-reservation/confirm-reservation.handler';
import { OrderCreatedConsumer } from './reservations/confirm-reservation/order-created.consumer';
import { ExpireReservationsHandler } from './reservations/expire-reservations/expire-reservations.handler';
import { GetProductHttpController } from './products/get-product/get-product.http.controller';
import { UpsertProductHttpController } from './products/upsert-product/upsert-product.http.controller';
import { ReleaseStockConsumer } from './reservations/release-stock/release-stock.consumer';
import { ReleaseStockHandler } from './reservations/release-stock/release-stock.handler';
import { ReserveStockConsumer } from './reservations/reserve-stock/reserve-stock.consumer';
import { ReserveStockHandler } from './reservations/reserve-stock/reserve-stock.handler';
import { AdjustStockHttpController } from './products/adjust-stock/adjust-stock.http.controller';
import { ListProductsHttpController } from './products/list-products/list-products.http.controller';

export const SERVICE_NAME = 'inventory-service';

@Module({
  imports: [
    TypedConfigModule.forRoot(InventoryServiceConfig),
    LoggingModule.forRoot(SERVICE_NAME),
    ObservabilityModule.forRoot(SERVICE_NAME),
    DatabaseModule.forRoot({ entities: INVENTORY_ENTITIES, migrations: INVENTORY_MIGRATIONS }),
    MessagingModule.forRoot(SERVICE_NAME),
    DeadLettersModule,
  ],
  controllers: [
    ListProductsHttpController,
    AdjustStockHttpController,
    UpsertProductHttpController,
    GetProductHttpController,
    ReserveStockConsumer,
    ReleaseStockConsumer,
    ConfirmReservationConsumer,
    OrderCreatedConsumer,
  ],
  providers: [ReserveStockHandler, ReleaseStockHandler, ConfirmReservationHandler, ExpireReservationsHandler],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { ObservabilityModule } from '@order-saga/shared/observability';
import { MessagingModule } from '@order-saga/shared/messaging';
import { InventoryServiceConfig } from './config/inventory-service.config';
import { InitialSchema1763700000000 } from './database/migrations/1763700000000-initial-schema';
import { ReservationConfirmation1763900000000 } from './database/migrations/1763900000000-reservation-confirmation';
import { ConfirmReservationConsumer } from './reservations/confirm-reservation/confirm-reservation.consumer';
import { ConfirmReservationHandler } from './reservations/confirm-reservation/confirm-reservation.handler';
import { ExpireReservationsHandler } from './reservations/expire-reservations/expire-reservations.handler';
import { GetProductHttpController } from './products/get-product/get-product.http.controller';
import { Product } from './products/product.entity';
import { UpsertProductHttpController } from './products/upsert-product/upsert-product.http.controller';
import { ReleaseStockConsumer } from './reservations/release-stock/release-stock.consumer';
import { ReleaseStockHandler } from './reservations/release-stock/release-stock.handler';
import { ReservationLine } from './reservations/reservation-line.entity';
import { Reservation } from './reservations/reservation.entity';
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
    DatabaseModule.forRoot({ entities: [Product, Reservation, ReservationLine], migrations: [InitialSchema1763700000000, ReservationConfirmation1763900000000] }),
    MessagingModule.forRoot(SERVICE_NAME),
  ],
  controllers: [ListProductsHttpController, AdjustStockHttpController, UpsertProductHttpController, GetProductHttpController, ReserveStockConsumer, ReleaseStockConsumer, ConfirmReservationConsumer],
  providers: [ReserveStockHandler, ReleaseStockHandler, ConfirmReservationHandler, ExpireReservationsHandler],
})
export class AppModule {}

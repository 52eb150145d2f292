import { Product } from '../products/product.entity';
import { ReservationLine } from '../reservations/reservation-line.entity';
import { Reservation } from '../reservations/reservation.entity';
import { InitialSchema1763700000000 } from './migrations/1763700000000-initial-schema';
import { ReservationConfirmation1763900000000 } from './migrations/1763900000000-reservation-confirmation';
import { MessagingRetention1764200000000 } from './migrations/1764200000000-messaging-retention';
import { DeadLetterOperations1764500000000 } from './migrations/1764500000000-dead-letter-operations';

/** inventory-service's tables: the entities it maps and the migrations that create them, oldest first. */
export const INVENTORY_ENTITIES = [Product, Reservation, ReservationLine];
export const INVENTORY_MIGRATIONS = [
  InitialSchema1763700000000,
  ReservationConfirmation1763900000000,
  MessagingRetention1764200000000,
  DeadLetterOperations1764500000000,
];

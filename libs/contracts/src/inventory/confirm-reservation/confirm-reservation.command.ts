import { IsNotEmpty, IsString, IsUUID } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/**
 * The order was paid: the reservation is now committed and must never be swept as expired.
 * Fire-and-forget (delivered through the outbox, idempotent by reservation id). No longer sent:
 * inventory confirms on OrderCreated instead. Still consumed, for commands already on the topic.
 */
export class ConfirmReservationCommand {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsUUID()
  reservationId: string;
}

export const CONFIRM_RESERVATION = defineMessage('ConfirmReservation', TOPICS.inventory.confirmReservationCommand, ConfirmReservationCommand);

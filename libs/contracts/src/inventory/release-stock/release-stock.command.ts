import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/** Compensation of ReserveStock: put the reservation's stock back. Idempotent by reservation id. */
export class ReleaseStockCommand {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsUUID()
  reservationId: string;

  @IsString()
  @MaxLength(200)
  reason: string;
}

export const RELEASE_STOCK = defineMessage('ReleaseStock', TOPICS.inventory.releaseStockCommand, ReleaseStockCommand);

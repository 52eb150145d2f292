import { IsNotEmpty, IsString, IsUUID } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

export class StockReleasedReply {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsUUID()
  reservationId: string;
}

export const STOCK_RELEASED = defineMessage('StockReleased', TOPICS.inventory.releaseStockReply, StockReleasedReply);

import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdjustStockRequestDto, ProductResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { requireJsonBody } from '../../orders/list-orders/relay-input';
import { InventoryServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('products')
@ApiV1Controller('products')
export class AdjustStockHttpController {
  constructor(private readonly inventoryService: InventoryServiceProxy) {}

  @Post(':productId/stock-adjustments')
  @RequireScope('write')
  @ApiBody({ type: AdjustStockRequestDto })
  @ApiOperation({ summary: 'Add (or, negative, remove) available stock: { delta, reason? }' })
  @ApiV1Response(200, 'The product after the adjustment', ProductResponseDto)
  @ApiV1ErrorResponse(404, 'NOT_FOUND: no such product')
  @ApiV1ErrorResponse(409, 'CONFLICT: the adjustment would take available stock below 0')
  @ApiV1ErrorResponse(403, 'FORBIDDEN without the write scope')
  async adjust(@Param('productId') productId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const adjustment = requireJsonBody(request);
    relayReply(response, await this.inventoryService.adjustStock(productId, adjustment, forwardedContextOf(request)));
  }
}

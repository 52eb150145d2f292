import { Body, Param, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { requireJsonBody } from '../../orders/list-orders/relay-input';
import { InventoryServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('products')
@ApiV1Controller('products')
export class UpsertProductHttpController {
  constructor(private readonly inventoryService: InventoryServiceProxy) {}

  @Put(':productId')
  @RequireScope('write')
  @ApiOperation({ summary: 'Create or replace a product: { name, unit_price, active?, available? }' })
  @ApiResponse({ status: 200, description: 'The product' })
  @ApiResponse({ status: 400, description: 'VALIDATION_ERROR' })
  @ApiResponse({ status: 403, description: 'FORBIDDEN without the write scope' })
  async upsert(@Param('productId') productId: string, @Body() product: unknown, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    requireJsonBody(request);
    relayReply(response, await this.inventoryService.upsertProduct(productId, product, forwardedContextOf(request)));
  }
}

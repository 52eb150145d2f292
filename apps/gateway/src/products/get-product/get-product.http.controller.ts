import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { InventoryServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

/** The catalog is one for all clients: prices and stock are the shop's, not a client's. */
@ApiTags('products')
@ApiV1Controller('products')
export class GetProductHttpController {
  constructor(private readonly inventoryService: InventoryServiceProxy) {}

  @Get(':productId')
  @RequireScope('read')
  @ApiOperation({ summary: 'A catalog product with its price and stock' })
  @ApiResponse({ status: 200, description: '{ product_id, name, unit_price, available, reserved, active }' })
  @ApiResponse({ status: 404, description: 'NOT_FOUND' })
  async get(@Param('productId') productId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.inventoryService.getProduct(productId, forwardedContextOf(request)));
  }
}

import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
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
  @ApiV1Response(200, 'The product', ProductResponseDto)
  @ApiV1ErrorResponse(404, 'NOT_FOUND')
  async get(@Param('productId') productId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.inventoryService.getProduct(productId, forwardedContextOf(request)));
  }
}

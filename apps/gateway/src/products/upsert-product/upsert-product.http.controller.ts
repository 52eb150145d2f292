import { Param, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UpsertProductRequestDto, ProductResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
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
  @ApiBody({ type: UpsertProductRequestDto })
  @ApiOperation({ summary: 'Create or replace a product: { name, unit_price, active?, available? }' })
  @ApiV1Response(200, 'The product as stored', ProductResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR')
  @ApiV1ErrorResponse(403, 'FORBIDDEN without the write scope')
  async upsert(@Param('productId') productId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const product = requireJsonBody(request);
    relayReply(response, await this.inventoryService.upsertProduct(productId, product, forwardedContextOf(request)));
  }
}

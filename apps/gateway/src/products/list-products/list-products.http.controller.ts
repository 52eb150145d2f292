import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ListProductsRequestDto, ProductPageResponseDto } from '@order-saga/contracts/http';
import { ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { singleValuedQuery } from '../../orders/list-orders/relay-input';
import { InventoryServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('products')
@ApiV1Controller('products')
export class ListProductsHttpController {
  constructor(private readonly inventoryService: InventoryServiceProxy) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'The catalog in product id order (cursor pagination)' })
  @ApiQuery({ type: ListProductsRequestDto })
  @ApiV1Response(200, 'A page of the catalog, in product id order', ProductPageResponseDto)
  async list(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.inventoryService.listProducts(singleValuedQuery(request), forwardedContextOf(request)));
  }
}

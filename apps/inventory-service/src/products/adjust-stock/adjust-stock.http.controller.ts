import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AdjustStockRequestDto, ProductResponseDto } from '@order-saga/contracts/http';
import { Product } from '../product.entity';
import { toProductResponse } from '../product.response.dto';

@Controller('products')
export class AdjustStockHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {}

  @Post(':productId/stock-adjustments')
  @HttpCode(200)
  async adjust(@Param('productId') productId: string, @Body() body: AdjustStockRequestDto): Promise<ProductResponseDto> {
    // One conditional UPDATE: the floor at zero holds against reservations committing at the same time.
    const [, affected] = (await this.dataSource.query(
      `UPDATE product SET available = available + $2, updated_at = now() WHERE product_id = $1 AND available + $2 >= 0`,
      [productId, body.delta],
    )) as [unknown, number];
    const product = await this.dataSource.getRepository(Product).findOneBy({ productId });
    if (!product) throw new DomainError('NOT_FOUND', `Product ${productId} does not exist`);
    if (affected === 0) {
      throw new DomainError('CONFLICT', `Only ${product.available} of ${productId} available; cannot remove ${-body.delta}`, [
        { field: 'delta', error: `Must not take available stock below 0 (currently ${product.available})` },
      ]);
    }
    this.logger.info({ product_id: productId, delta: body.delta, reason: body.reason, available: product.available }, 'stock adjusted');
    return toProductResponse(product);
  }
}

import { Body, Controller, Param, Put } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductResponseDto, UpsertProductRequestDto } from '@order-saga/contracts/http';
import { Product } from '../product.entity';
import { toProductResponse } from '../product.response.dto';

/** Catalog administration: create a product or replace its name, price, active flag and (optionally) available stock. */
@Controller('products')
export class UpsertProductHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Put(':productId')
  async upsert(@Param('productId') productId: string, @Body() body: UpsertProductRequestDto): Promise<ProductResponseDto> {
    const product = await this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOne(Product, { where: { productId }, lock: { mode: 'pessimistic_write' } });
      return manager.save(
        manager.create(Product, {
          productId,
          name: body.name,
          unitPriceCents: Math.round(body.unit_price * 100),
          available: body.available ?? existing?.available ?? 0,
          reserved: existing?.reserved ?? 0,
          active: body.active ?? existing?.active ?? true,
        }),
      );
    });
    return toProductResponse(product);
  }
}

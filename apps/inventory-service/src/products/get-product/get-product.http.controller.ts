import { Controller, Get, Param } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { DataSource } from 'typeorm';
import { ProductResponseDto } from '@order-saga/contracts/http';
import { Product } from '../product.entity';
import { toProductResponse } from '../product.response.dto';

@Controller('products')
export class GetProductHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':productId')
  async get(@Param('productId') productId: string): Promise<ProductResponseDto> {
    const product = await this.dataSource.getRepository(Product).findOneBy({ productId });
    if (!product) throw new DomainError('NOT_FOUND', `Product ${productId} does not exist`);
    return toProductResponse(product);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { DataSource, FindOptionsWhere, MoreThan } from 'typeorm';
import { DEFAULT_PAGE_LIMIT, ListProductsRequestDto, ProductPageResponseDto } from '@order-saga/contracts/http';
import { Product } from '../product.entity';
import { toProductResponse } from '../product.response.dto';

/** The catalog in product id order, keyset-paginated on the id (which never changes, unlike updated_at). */
@Controller('products')
export class ListProductsHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async list(@Query() query: ListProductsRequestDto): Promise<ProductPageResponseDto> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const where: FindOptionsWhere<Product> = {};
    if (query.active !== undefined) where.active = query.active;
    if (query.cursor !== undefined) where.productId = MoreThan(productIdOf(query.cursor));
    const rows = await this.dataSource.getRepository(Product).find({ where, order: { productId: 'ASC' }, take: limit + 1 });
    const shown = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return {
      data: shown.map(toProductResponse),
      pagination: { limit, has_more: hasMore, next_cursor: hasMore ? Buffer.from(shown[shown.length - 1].productId).toString('base64url') : null },
    };
  }
}

function productIdOf(cursor: string): string {
  const productId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (productId.length === 0 || Buffer.from(productId).toString('base64url') !== cursor) {
    throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [
      { field: 'cursor', error: 'Must be a next_cursor value returned by this endpoint' },
    ]);
  }
  return productId;
}

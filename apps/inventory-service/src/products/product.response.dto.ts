import type { ProductResponseDto } from '@order-saga/contracts/http';
import { Product } from './product.entity';

/** The public contract's product (libs/contracts/src/http/products). */

export function toProductResponse(product: Product): ProductResponseDto {
  return {
    product_id: product.productId,
    name: product.name,
    unit_price: product.unitPriceCents / 100,
    available: product.available,
    reserved: product.reserved,
    active: product.active,
  };
}
